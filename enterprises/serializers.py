"""Small input/output serializers for the enterprises API. No logic lives here."""

from __future__ import annotations

from rest_framework import serializers

from .models import Cluster, Enterprise, Industry, Membership, Region, Role


class EnterpriseInput(serializers.Serializer):
    """An enterprise's profile as an admin may change it (the USCC never changes)."""

    name = serializers.CharField(max_length=200)
    region_code = serializers.CharField(max_length=6)
    industry_code = serializers.CharField(max_length=4)
    employees = serializers.IntegerField(min_value=0, max_value=10_000_000)
    revenue_10k_yuan = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, coerce_to_string=False
    )
    clusters = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, default=list
    )


class EnterpriseRegisterInput(EnterpriseInput):
    uscc = serializers.CharField(max_length=32)


class RegisterInput(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    password = serializers.CharField(write_only=True, max_length=128)
    email = serializers.EmailField()
    enterprise = EnterpriseRegisterInput()


class TokenInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, write_only=True)


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()


class EnterpriseOutput(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    industry_code = serializers.CharField(source="industry_id")
    industry_name = serializers.CharField(source="industry.name")
    clusters = serializers.SerializerMethodField()
    is_anchor = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "uscc",
            "region_code",
            "region_name",
            "industry_code",
            "industry_name",
            "employees",
            "revenue_10k_yuan",
            "size_class",
            "clusters",
            "is_anchor",
        ]

    def get_clusters(self, obj: Enterprise) -> list[str]:
        return [c.code for c in obj.clusters.all()]

    def get_is_anchor(self, obj: Enterprise) -> bool:
        return bool(getattr(obj, "is_anchor", False))


class UserOutput(serializers.Serializer):
    username = serializers.CharField()


class RegisterOutput(serializers.Serializer):
    user = UserOutput()
    enterprise = EnterpriseOutput()
    token = serializers.CharField()


class MembershipBrief(serializers.Serializer):
    enterprise = serializers.SerializerMethodField()
    role = serializers.CharField()

    def get_enterprise(self, obj: Membership) -> dict:
        return {"id": obj.enterprise_id, "name": obj.enterprise.name}


class BureauScopeOutput(serializers.Serializer):
    regions = serializers.ListField(child=serializers.CharField())
    clusters = serializers.ListField(child=serializers.CharField())


class MeOutput(serializers.Serializer):
    username = serializers.CharField()
    memberships = MembershipBrief(many=True)
    bureau_scope = BureauScopeOutput(allow_null=True)
    assessor_organisation = serializers.CharField(allow_null=True)
    is_staff = serializers.BooleanField()


class MemberOutput(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    email = serializers.EmailField(source="user.email")

    class Meta:
        model = Membership
        fields = ["id", "username", "email", "role", "created_at"]


class MemberInput(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)
    email = serializers.EmailField(required=False, default="")
    password = serializers.CharField(required=False, default="", write_only=True, max_length=128)


class MemberRoleInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class RegionOutput(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", allow_null=True)

    class Meta:
        model = Region
        fields = ["code", "name", "name_en", "parent", "level"]


class IndustryOutput(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["code", "name", "name_en"]


class ClusterOutput(serializers.ModelSerializer):
    class Meta:
        model = Cluster
        fields = ["code", "name", "name_en"]
