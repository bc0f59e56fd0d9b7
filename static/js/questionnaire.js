/*
 * The questionnaire: autosave, show_if and evidence files. Plain JavaScript, no framework.
 *
 * Every change is PUT to /api/v1/assessments/<pk>/answers/<key>/ as {value, base_revision}.
 * Per question, writes are serialised (one in flight at a time) and only the latest value
 * waits to be sent, so the latest value wins and a failed write is never dropped:
 *   - network error, 5xx, 408, 429: kept and retried with exponential backoff (1 s .. 30 s);
 *   - 401/403 (signed out, or the CSRF token rotated by a sign-in elsewhere): kept, a notice
 *     offers sign-in in a new tab, and retries continue (immediately on focus/online);
 *   - 409 with the current value: the other value is shown beside the question, with
 *     "keep mine" (re-PUT on the current revision) and "take theirs";
 *   - 409 without it: the assessment is no longer a draft; saving stops, a notice says so;
 *   - 400: the server's message is shown beside the question (nothing to retry);
 *   - 404: the question is not part of the assessment (shown, not retried).
 * The page's data comes from <script type="application/json"> blocks written by the view.
 */
(function () {
  "use strict";

  var root = document.getElementById("questionnaire");
  if (!root || root.getAttribute("data-editable") !== "true") {
    return;
  }
  var data = JSON.parse(document.getElementById("questionnaire-data").textContent);
  var T = JSON.parse(document.getElementById("questionnaire-strings").textContent);

  var DEBOUNCE_MS = 800;
  var RETRY_BASE_MS = 1000;
  var RETRY_MAX_MS = 30000;
  var BAD = {}; // a value the person typed that is not a number

  var saveBar = document.getElementById("save-bar");
  var authNotice = document.getElementById("auth-notice");
  var closedNotice = document.getElementById("closed-notice");
  var closed = false; // the assessment stopped being a draft: nothing more can be saved

  // ---- state per question ------------------------------------------------------------

  var questions = {};
  var order = [];
  data.questions.forEach(function (def) {
    var el = document.getElementById("q-" + def.key);
    if (!el) {
      return;
    }
    questions[def.key] = {
      key: def.key,
      def: def,
      el: el,
      revision: def.revision || 0,
      hasPending: false, // a value waits to be sent
      pending: null,
      inflight: false,
      sending: null, // the value in flight
      confirmed: null, // the value the server last acknowledged (set below)
      debounce: null,
      retry: null,
      attempt: 0,
      state: def.revision ? "saved" : "idle",
      message: "",
      conflict: null, // {value, revision} saved by someone else
    };
    order.push(questions[def.key]);
  });

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) {
      return name in values ? String(values[name]) : "";
    });
  }

  function csrfToken() {
    // The cookie first: a sign-in in another tab rotates the token, and the cookie follows.
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      return decodeURIComponent(match[1]);
    }
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // ---- reading and writing the inputs --------------------------------------------------

  function inputs(q) {
    return q.el.querySelectorAll(".q-input input, .q-input textarea");
  }

  function readValue(q) {
    var type = q.def.type;
    var list = inputs(q);
    var i;
    if (type === "multi") {
      var chosen = [];
      for (i = 0; i < list.length; i++) {
        if (list[i].checked) {
          chosen.push(list[i].value);
        }
      }
      return chosen;
    }
    if (type === "single" || type === "boolean" || type === "scene_level") {
      for (i = 0; i < list.length; i++) {
        if (list[i].checked) {
          if (type === "boolean") {
            return list[i].value === "true";
          }
          if (type === "scene_level") {
            return parseInt(list[i].value, 10);
          }
          return list[i].value;
        }
      }
      return null;
    }
    var field = list[0];
    if (type === "number") {
      if (field.validity && field.validity.badInput) {
        return BAD;
      }
      var raw = field.value.trim();
      if (raw === "") {
        return null;
      }
      var number = Number(raw);
      return isFinite(number) ? number : BAD;
    }
    return field.value;
  }

  function writeValue(q, value) {
    var type = q.def.type;
    var list = inputs(q);
    var i;
    if (type === "number" || type === "text") {
      list[0].value = value === null || value === undefined ? "" : String(value);
      return;
    }
    for (i = 0; i < list.length; i++) {
      var v = list[i].value;
      if (type === "multi") {
        list[i].checked = Array.isArray(value) && value.indexOf(v) >= 0;
      } else if (type === "boolean") {
        list[i].checked = value === (v === "true");
      } else if (type === "scene_level") {
        list[i].checked = value === parseInt(v, 10);
      } else {
        list[i].checked = value === v;
      }
    }
  }

  function isEmpty(value) {
    return (
      value === null ||
      value === undefined ||
      value === BAD ||
      value === "" ||
      (Array.isArray(value) && value.length === 0)
    );
  }

  function sameValue(a, b) {
    return JSON.stringify(a === undefined ? null : a) === JSON.stringify(b === undefined ? null : b);
  }

  function describe(q, value) {
    // A value as a person reads it, for the conflict notice.
    if (isEmpty(value)) {
      return T.noAnswer;
    }
    var type = q.def.type;
    var labels = {};
    q.def.options.forEach(function (o) {
      labels[o.value] = o.label;
    });
    if (type === "single") {
      return labels[value] || String(value);
    }
    if (type === "multi") {
      return value
        .map(function (v) {
          return labels[v] || String(v);
        })
        .join("、");
    }
    if (type === "boolean") {
      return value ? T.yes : T.no;
    }
    if (type === "scene_level") {
      return format(T.level, { level: value });
    }
    if (type === "number") {
      return String(value) + (q.def.unit ? " " + q.def.unit : "");
    }
    return String(value);
  }

  // ---- visibility (show_if) and progress: the engine's rules ---------------------------

  function answered(type, value) {
    if (value === null || value === undefined || value === BAD) {
      return false;
    }
    if (type === "multi") {
      return Array.isArray(value) && value.length > 0;
    }
    if (type === "number" || type === "scene_level") {
      return typeof value === "number";
    }
    if (type === "boolean") {
      return typeof value === "boolean";
    }
    return typeof value === "string" && value.trim() !== "";
  }

  function shows(condition, value) {
    if (value === null || value === undefined || value === BAD) {
      return false;
    }
    if ("at_least" in condition) {
      return typeof value === "number" && value >= Number(condition.at_least);
    }
    var shown = "equals" in condition ? [condition.equals] : condition["in"] || [];
    for (var i = 0; i < shown.length; i++) {
      // Same type and value, as the engine compares (true never matches 1).
      if (typeof shown[i] === typeof value && shown[i] === value) {
        return true;
      }
    }
    return false;
  }

  var progressBar = document.getElementById("q-progress");
  var progressText = document.getElementById("q-progress-text");

  function refreshVisibilityAndProgress() {
    // Questions come in document order and show_if refers to earlier ones only.
    var visible = {};
    var values = {};
    var required = 0;
    var done = 0;
    order.forEach(function (q) {
      var value = readValue(q);
      values[q.key] = value;
      var condition = q.def.showIf;
      var isVisible = true;
      if (condition) {
        isVisible = !!visible[condition.question] && shows(condition, values[condition.question]);
      }
      visible[q.key] = isVisible;
      q.el.hidden = !isVisible;
      if (isVisible && q.def.required) {
        required += 1;
        if (answered(q.def.type, value)) {
          done += 1;
        }
      }
    });
    var percent = required ? Math.round((100 * done) / required) : 100;
    if (progressBar) {
      progressBar.value = percent;
      progressBar.textContent = percent + "%";
    }
    if (progressText) {
      progressText.textContent = format(T.progress, { done: done, total: required });
    }
  }

  // ---- saving ------------------------------------------------------------------------

  function answerUrl(key) {
    return data.answerUrl.replace("{key}", encodeURIComponent(key));
  }

  function changed(q, immediately) {
    if (closed) {
      render(q);
      return;
    }
    var value = readValue(q);
    refreshVisibilityAndProgress();
    clearTimeout(q.debounce);
    q.debounce = null;
    if (value === BAD) {
      // Nothing to send until it is a number; what the server has stays as it was.
      q.hasPending = false;
      q.pending = null;
      q.state = "invalid";
      q.message = T.enterNumber;
      render(q);
      return;
    }
    if (q.conflict) {
      // Keep editing "mine"; it is sent once the person chooses.
      render(q);
      return;
    }
    if (
      !q.hasPending &&
      (q.inflight ? sameValue(value, q.sending) : sameValue(value, q.confirmed) && q.state !== "invalid")
    ) {
      // Nothing new (a blur after the debounced save, a re-ticked radio): no extra write.
      if (!q.inflight && (q.state === "retrying" || q.state === "auth")) {
        render(q);
        return;
      }
      if (!q.inflight && q.state !== "saved" && q.state !== "idle") {
        q.state = q.revision ? "saved" : "idle";
      }
      render(q);
      return;
    }
    q.pending = value;
    q.hasPending = true;
    q.message = "";
    if (q.state !== "retrying" && q.state !== "auth") {
      q.state = "dirty";
    }
    if (immediately) {
      send(q);
    } else {
      q.debounce = setTimeout(function () {
        q.debounce = null;
        send(q);
      }, DEBOUNCE_MS);
      render(q);
    }
  }

  function keepForRetry(q, value) {
    // The latest value wins: an older one never replaces a newer pending one.
    if (!q.hasPending) {
      q.pending = value;
      q.hasPending = true;
    }
  }

  function scheduleRetry(q) {
    q.attempt += 1;
    var delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * Math.pow(2, q.attempt - 1));
    delay = delay * (0.8 + Math.random() * 0.4);
    clearTimeout(q.retry);
    q.retry = setTimeout(function () {
      q.retry = null;
      send(q);
    }, delay);
  }

  function retryNow() {
    order.forEach(function (q) {
      if (q.retry) {
        clearTimeout(q.retry);
        q.retry = null;
        send(q);
      }
    });
  }

  function send(q) {
    clearTimeout(q.debounce);
    q.debounce = null;
    if (closed || q.inflight || q.conflict || !q.hasPending) {
      render(q);
      return;
    }
    clearTimeout(q.retry);
    q.retry = null;
    var value = q.pending;
    q.pending = null;
    q.hasPending = false;
    q.inflight = true;
    q.sending = value;
    if (q.state !== "retrying" && q.state !== "auth") {
      q.state = "saving";
    }
    render(q);
    fetch(answerUrl(q.key), {
      method: "PUT",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
        "X-Requested-With": "XMLHttpRequest",
      },
      body: JSON.stringify({ value: value, base_revision: q.revision }),
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return null;
          })
          .then(function (body) {
            settled(q, value, response.status, body);
          });
      })
      .catch(function () {
        settled(q, value, 0, null);
      });
  }

  function settled(q, value, status, body) {
    q.inflight = false;
    q.sending = null;
    if (status >= 200 && status < 300 && body && typeof body.revision === "number") {
      q.revision = body.revision;
      q.confirmed = value;
      q.attempt = 0;
      q.message = "";
      q.state = "saved";
      signedIn();
    } else if (status === 401 || status === 403) {
      keepForRetry(q, value);
      q.state = "auth";
      // A role taken away says so; a missing session or a stale CSRF token needs sign-in only.
      var detail = (body && body.detail) || "";
      q.message = status === 403 && detail.indexOf("CSRF") !== 0 ? detail : "";
      signedOut();
      scheduleRetry(q);
    } else if (status === 409 && body && body.current) {
      signedIn();
      q.attempt = 0;
      var mine = q.hasPending ? q.pending : value;
      if (sameValue(body.current.value, mine)) {
        // Someone saved the very same answer: adopt their revision, nothing to choose.
        q.revision = body.current.revision;
        q.confirmed = body.current.value;
        q.hasPending = false;
        q.pending = null;
        q.state = "saved";
      } else {
        q.hasPending = false;
        q.pending = null;
        q.conflict = { value: body.current.value, revision: body.current.revision };
        q.state = "conflict";
      }
    } else if (status === 409) {
      keepForRetry(q, value);
      close();
    } else if (status === 400) {
      signedIn();
      q.attempt = 0;
      var errors = (body && body.errors && body.errors.value) || [];
      q.message = errors.length ? errors.join(" ") : (body && body.detail) || T.invalidShort;
      q.state = "invalid";
    } else if (status === 404) {
      q.message = T.notFound;
      q.state = "error";
    } else {
      // Offline, a timeout, a server error, rate limiting: try again later.
      keepForRetry(q, value);
      q.state = "retrying";
      scheduleRetry(q);
    }
    if (q.hasPending && !q.retry && !q.conflict && !closed) {
      // A newer value arrived while this one was in flight.
      send(q);
      return;
    }
    render(q);
  }

  function keepMine(q) {
    var conflict = q.conflict;
    q.conflict = null;
    q.revision = conflict.revision;
    var value = readValue(q);
    if (value === BAD) {
      q.state = "invalid";
      q.message = T.enterNumber;
      render(q);
      return;
    }
    q.pending = value;
    q.hasPending = true;
    q.state = "saving";
    send(q);
  }

  function takeTheirs(q) {
    var conflict = q.conflict;
    q.conflict = null;
    q.revision = conflict.revision;
    q.hasPending = false;
    q.pending = null;
    q.message = "";
    q.state = "saved";
    q.confirmed = conflict.value;
    writeValue(q, conflict.value);
    refreshVisibilityAndProgress();
    render(q);
  }

  function signedOut() {
    if (authNotice) {
      authNotice.hidden = false;
    }
  }

  function signedIn() {
    if (authNotice && !order.some(function (q) { return q.state === "auth"; })) {
      authNotice.hidden = true;
    }
  }

  function close() {
    closed = true;
    order.forEach(function (q) {
      clearTimeout(q.retry);
      clearTimeout(q.debounce);
      q.retry = null;
      q.debounce = null;
      if (q.hasPending || q.inflight) {
        q.state = "closed";
      }
      render(q);
    });
    if (closedNotice) {
      closedNotice.hidden = false;
    }
    if (authNotice) {
      authNotice.hidden = true;
    }
  }

  // ---- showing the state -------------------------------------------------------------

  var SHORT = {
    idle: "",
    dirty: "saving",
    saving: "saving",
    saved: "saved",
    retrying: "retrying",
    auth: "authShort",
    conflict: "conflictShort",
    invalid: "invalidShort",
    error: "invalidShort",
    closed: "closed",
  };

  function render(q) {
    var status = q.el.querySelector('[data-role="status"]');
    if (status) {
      status.textContent = SHORT[q.state] ? T[SHORT[q.state]] : "";
      status.className = "q-status is-" + q.state;
    }
    q.el.classList.toggle("has-problem", ["retrying", "auth", "conflict", "invalid", "error", "closed"].indexOf(q.state) >= 0);
    var feedback = q.el.querySelector('[data-role="feedback"]');
    if (feedback) {
      while (feedback.firstChild) {
        feedback.removeChild(feedback.firstChild);
      }
      if (q.conflict) {
        var box = document.createElement("div");
        box.className = "conflict";
        var text = document.createElement("p");
        text.textContent = T.conflictText + " ";
        var theirs = document.createElement("strong");
        theirs.textContent = describe(q, q.conflict.value);
        text.appendChild(theirs);
        box.appendChild(text);
        var mine = document.createElement("button");
        mine.type = "button";
        mine.className = "small";
        mine.textContent = T.keepMine;
        mine.addEventListener("click", function () {
          keepMine(q);
        });
        var take = document.createElement("button");
        take.type = "button";
        take.className = "small secondary";
        take.textContent = T.takeTheirs;
        take.addEventListener("click", function () {
          takeTheirs(q);
        });
        box.appendChild(mine);
        box.appendChild(document.createTextNode(" "));
        box.appendChild(take);
        feedback.appendChild(box);
      } else if (q.message) {
        var error = document.createElement("p");
        error.className = "error";
        error.textContent = q.message;
        feedback.appendChild(error);
      }
    }
    renderBar();
  }

  function busy(q) {
    return q.hasPending || q.inflight || q.debounce !== null;
  }

  function renderBar() {
    if (!saveBar) {
      return;
    }
    var has = function (state) {
      return order.some(function (q) {
        return q.state === state;
      });
    };
    var text;
    var tone;
    if (closed) {
      text = T.barClosed;
      tone = "bad";
    } else if (has("conflict")) {
      text = T.barConflict;
      tone = "warn";
    } else if (has("auth")) {
      text = T.barAuth;
      tone = "warn";
    } else if (has("retrying")) {
      text = T.barRetrying;
      tone = "warn";
    } else if (order.some(busy)) {
      text = T.barSaving;
      tone = "busy";
    } else if (has("invalid") || has("error")) {
      text = T.barInvalid;
      tone = "bad";
    } else {
      text = T.barSaved;
      tone = "ok";
    }
    saveBar.querySelector('[data-role="text"]').textContent = text;
    saveBar.className = "save-bar is-" + tone;
  }

  function unsaved() {
    return order.some(function (q) {
      return busy(q) || q.conflict || q.state === "retrying" || q.state === "auth";
    });
  }

  // ---- events ------------------------------------------------------------------------

  function questionOf(target) {
    var el = target.closest ? target.closest(".question") : null;
    return el ? questions[el.getAttribute("data-key")] : null;
  }

  function exclusiveTick(q, box) {
    // An exclusive option (such as "none of these") cannot be combined with another.
    if (!box.checked) {
      return;
    }
    var exclusive = box.getAttribute("data-exclusive") === "true";
    inputs(q).forEach(function (other) {
      if (other !== box && (exclusive || other.getAttribute("data-exclusive") === "true")) {
        other.checked = false;
      }
    });
  }

  root.addEventListener("change", function (event) {
    var q = questionOf(event.target);
    if (!q || !event.target.closest(".q-input")) {
      return;
    }
    if (q.def.type === "multi") {
      exclusiveTick(q, event.target);
    }
    changed(q, true);
  });

  root.addEventListener("input", function (event) {
    var q = questionOf(event.target);
    if (!q || !event.target.closest(".q-input")) {
      return;
    }
    if (q.def.type === "number" || q.def.type === "text") {
      changed(q, false);
    }
  });

  root.addEventListener("focusout", function (event) {
    var q = questionOf(event.target);
    if (q && q.debounce !== null) {
      send(q);
    }
  });

  root.addEventListener("click", function (event) {
    var target = event.target;
    if (target.getAttribute("data-role") === "clear") {
      var q = questionOf(target);
      if (q) {
        writeValue(q, null);
        changed(q, true);
      }
    }
  });

  window.addEventListener("online", retryNow);
  window.addEventListener("focus", retryNow);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      retryNow();
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (!closed && unsaved()) {
      // Browsers show their own wording; asking is what matters.
      event.preventDefault();
      event.returnValue = "";
      return "";
    }
    return undefined;
  });

  function firstProblem() {
    // A visible question whose latest value is not on the server (hidden ones do not count
    // at submission, but their pending writes still finish).
    return order.filter(function (q) {
      var stuck = ["conflict", "auth", "retrying"].indexOf(q.state) >= 0;
      var refused = (q.state === "invalid" || q.state === "error") && !q.el.hidden;
      return stuck || refused;
    })[0];
  }

  // Going to the submission page waits for the answers to be saved first.
  var submitLink = root.querySelector('[data-role="submit-link"]');
  if (submitLink) {
    submitLink.addEventListener("click", function (event) {
      order.forEach(function (q) {
        if (q.debounce !== null) {
          send(q);
        }
      });
      if (!unsaved() && !firstProblem()) {
        return;
      }
      event.preventDefault();
      var waited = 0;
      var bar = saveBar && saveBar.querySelector('[data-role="text"]');
      (function wait() {
        var problem = firstProblem();
        if (!order.some(busy) && !problem) {
          window.location.href = submitLink.href;
          return;
        }
        if ((problem && !problem.inflight) || waited >= 20000) {
          if (bar) {
            bar.textContent = T.unsavedBlock;
          }
          if (problem) {
            problem.el.scrollIntoView({ behavior: "smooth", block: "center" });
          }
          return;
        }
        if (bar) {
          bar.textContent = T.waiting;
        }
        waited += 250;
        setTimeout(wait, 250);
      })();
    });
  }

  // ---- evidence files ----------------------------------------------------------------

  function formatSize(bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return (bytes / 1024).toFixed(1) + " KB";
    }
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  function evidenceItem(evidence) {
    var li = document.createElement("li");
    li.setAttribute("data-evidence", String(evidence.id));
    var link = document.createElement("a");
    link.href = evidence.download_url;
    link.textContent = evidence.name;
    li.appendChild(link);
    li.appendChild(document.createTextNode(" "));
    var size = document.createElement("small");
    size.className = "help";
    size.textContent = formatSize(evidence.size);
    li.appendChild(size);
    li.appendChild(document.createTextNode(" "));
    var form = document.createElement("form");
    form.method = "post";
    form.className = "inline evidence-delete";
    form.action = data.evidenceDeleteUrl.replace("{id}", String(evidence.id));
    var token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrfmiddlewaretoken";
    token.value = csrfToken();
    form.appendChild(token);
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "link small";
    button.textContent = T["delete"];
    form.appendChild(button);
    li.appendChild(form);
    return li;
  }

  function recount(q) {
    var list = q.el.querySelector('[data-role="evidence-list"]');
    var count = list.querySelectorAll("li[data-evidence]").length;
    q.el.querySelector('[data-role="evidence-count"]').textContent = String(count);
    var empty = list.querySelector('[data-role="evidence-empty"]');
    if (count === 0 && !empty) {
      empty = document.createElement("li");
      empty.className = "help";
      empty.setAttribute("data-role", "evidence-empty");
      empty.textContent = T.noFiles;
      list.appendChild(empty);
    } else if (count > 0 && empty) {
      empty.parentNode.removeChild(empty);
    }
  }

  function errorText(body, fallback) {
    if (!body) {
      return fallback;
    }
    var parts = [body.detail];
    Object.keys(body.errors || {}).forEach(function (field) {
      parts = parts.concat(body.errors[field]);
    });
    return parts.filter(Boolean).join(" ") || fallback;
  }

  function upload(q, form) {
    var status = form.querySelector('[data-role="upload-status"]');
    var file = form.querySelector('input[type="file"]');
    var button = form.querySelector('button[type="submit"]');
    if (!file.files || !file.files.length) {
      status.textContent = T.chooseFile;
      return;
    }
    var body = new FormData();
    body.append("question_key", q.key);
    body.append("file", file.files[0]);
    status.textContent = T.uploading;
    status.className = "upload-status";
    button.disabled = true;
    fetch(data.evidenceUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: body,
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return null;
          })
          .then(function (json) {
            button.disabled = false;
            if (response.status === 201 && json) {
              q.el.querySelector('[data-role="evidence-list"]').appendChild(evidenceItem(json));
              recount(q);
              file.value = "";
              status.textContent = T.uploaded;
            } else if (response.status === 401 || response.status === 403) {
              signedOut();
              status.textContent = T.uploadAuth;
              status.className = "upload-status error";
            } else if (response.status >= 400 && response.status < 500) {
              if (response.status === 409) {
                close();
              }
              status.textContent = errorText(json, T.uploadFailed);
              status.className = "upload-status error";
            } else {
              status.textContent = T.uploadFailed;
              status.className = "upload-status error";
            }
          });
      })
      .catch(function () {
        button.disabled = false;
        status.textContent = T.uploadFailed;
        status.className = "upload-status error";
      });
  }

  function removeEvidence(q, form) {
    var li = form.closest("li[data-evidence]");
    if (!li || !window.confirm(T.deleteConfirm)) {
      return;
    }
    var url = data.evidenceApiUrl.replace("{id}", li.getAttribute("data-evidence"));
    fetch(url, {
      method: "DELETE",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    })
      .then(function (response) {
        if (response.status === 204 || response.status === 404) {
          li.parentNode.removeChild(li);
          recount(q);
          return;
        }
        if (response.status === 401 || response.status === 403) {
          signedOut();
        } else if (response.status === 409) {
          close();
        }
        window.alert(T.deleteFailed);
      })
      .catch(function () {
        window.alert(T.deleteFailed);
      });
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    var q = questionOf(form);
    if (!q) {
      return;
    }
    if (form.classList.contains("evidence-upload")) {
      event.preventDefault();
      upload(q, form);
    } else if (form.classList.contains("evidence-delete")) {
      event.preventDefault();
      removeEvidence(q, form);
    }
  });

  // Forms outside the questionnaire that ask first (moving to the latest version).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // ---- start -------------------------------------------------------------------------

  order.forEach(function (q) {
    q.confirmed = readValue(q);
  });
  refreshVisibilityAndProgress();
  order.forEach(render);
})();
