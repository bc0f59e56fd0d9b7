from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import (
    AssessmentOrganisation,
    Assessor,
    BureauScope,
    Cluster,
    Enterprise,
    Industry,
    Membership,
    Region,
    SupplierLink,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    pass


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "region", "industry", "size_class", "created_at"]
    list_filter = ["size_class", "industry", "clusters"]
    search_fields = ["name", "uscc"]
    list_select_related = ["region", "industry"]
    readonly_fields = ["size_class", "created_at", "updated_at"]
    autocomplete_fields = ["region", "industry"]
    filter_horizontal = ["clusters"]
    inlines = [MembershipInline]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "active"]
    list_editable = ["active"]
    search_fields = ["code", "name"]


@admin.register(BureauScope)
class BureauScopeAdmin(admin.ModelAdmin):
    list_display = ["user", "bureau_name"]
    filter_horizontal = ["regions", "clusters"]
    autocomplete_fields = ["user"]


@admin.register(AssessmentOrganisation)
class AssessmentOrganisationAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Assessor)
class AssessorAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation"]
    autocomplete_fields = ["user"]


@admin.register(SupplierLink)
class SupplierLinkAdmin(admin.ModelAdmin):
    list_display = ["anchor", "supplier_name", "supplier_uscc", "status", "tier"]
    list_filter = ["status", "tier"]
    search_fields = ["supplier_name", "supplier_uscc", "anchor__name"]
    raw_id_fields = ["anchor", "supplier", "parent"]
