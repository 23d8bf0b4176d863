// Drag-and-drop upload of evidence files (docs/evidence.md), a progressive enhancement of
// any <input type="file" data-upload-stage="<url>"> inside a form. Without this script the
// input posts its files with the form, as before.
//
// With it: a drop zone around the input; each chosen or dropped file is sent on its own
// (one XHR per file, POST to the staging URL with the target period) with a progress bar;
// a failed upload keeps its file and gets a retry button, the form keeps everything typed;
// each stored file adds <input type="hidden" name="staged" value="<id>"> to the form. Saved
// while an upload runs, the form waits and is sent when the uploads have arrived; it is not
// sent while a failed upload is left (retry or cancel it).
//
// The period: data-upload-period on the input, else the form's field named "period";
// with neither, the input is left as it is.
// Texts follow the page's language (<html lang>): Indonesian, or English.
(function () {
  "use strict";
  if (!window.XMLHttpRequest || !window.FormData || !document.querySelector) {
    return;
  }

  var TEXTS = {
    id: {
      drop: "Seret berkas ke sini, atau pilih berkas.",
      dropActive: "Lepaskan untuk mengunggah.",
      waiting: "Menunggu…",
      sending: "Mengunggah… %s",
      done: "Terunggah",
      failed: "Gagal mengunggah.",
      network: "Sambungan terputus.",
      retry: "Coba lagi",
      remove: "Batalkan",
      removeLabel: "Batalkan berkas %s",
      pending: "Menunggu unggahan selesai; formulir disimpan sesudahnya.",
      failedLeft: "Ada berkas yang gagal diunggah: coba lagi atau batalkan berkas itu.",
      tooBig: "Berkas %s terlalu besar.",
    },
    en: {
      drop: "Drag files here, or choose files.",
      dropActive: "Release to upload.",
      waiting: "Waiting…",
      sending: "Uploading… %s",
      done: "Uploaded",
      failed: "Upload failed.",
      network: "The connection was lost.",
      retry: "Try again",
      remove: "Cancel",
      removeLabel: "Cancel file %s",
      pending: "Waiting for the uploads; the form is saved after them.",
      failedLeft: "A file failed to upload: try again or cancel that file.",
      tooBig: "File %s is too big.",
    },
  };
  var lang = (document.documentElement.lang || "id").slice(0, 2).toLowerCase();
  var T = TEXTS[lang] || TEXTS.id;

  function fmt(text, value) {
    return text.replace("%s", value);
  }

  function size(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return Math.round(bytes / 1024) + " KB";
    var mb = (bytes / 1024 / 1024).toFixed(1);
    return (lang === "id" ? mb.replace(".", ",") : mb) + " MB";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function enhance(input) {
    var form = input.form;
    if (!form || input.dataset.uploadReady) return;
    // Without a target period the staging endpoint cannot take the files: leave the
    // plain input, which posts them with the form.
    if (!input.dataset.uploadPeriod && !form.querySelector("[name=period]")) return;
    input.dataset.uploadReady = "1";
    var url = input.dataset.uploadStage;
    var maxBytes = parseInt(input.dataset.uploadMaxBytes || "0", 10);
    var tokenField = form.querySelector("input[name=csrfmiddlewaretoken]");
    var uploads = [];

    var zone = el("div", "upload-zone");
    var hint = el("p", "upload-zone__hint", T.drop);
    input.parentNode.insertBefore(zone, input);
    zone.appendChild(hint);
    zone.appendChild(input);
    var list = el("ul", "upload-list");
    zone.parentNode.insertBefore(list, zone.nextSibling);
    var status = el("p", "upload-status");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.tabIndex = -1;
    list.parentNode.insertBefore(status, list.nextSibling);

    function period() {
      if (input.dataset.uploadPeriod) return input.dataset.uploadPeriod;
      var field = form.querySelector("[name=period]");
      return field ? field.value : "";
    }

    function add(file) {
      var item = el("li", "upload-item");
      var name = el("span", "upload-item__name", file.name);
      var meta = el("span", "upload-item__meta", size(file.size));
      var bar = el("progress", "upload-item__bar");
      bar.max = 100;
      bar.value = 0;
      var state = el("span", "upload-item__state", T.waiting);
      var retry = el("button", "button upload-item__retry", T.retry);
      retry.type = "button";
      retry.hidden = true;
      var remove = el("button", "button upload-item__remove", T.remove);
      remove.type = "button";
      remove.setAttribute("aria-label", fmt(T.removeLabel, file.name));
      item.appendChild(name);
      item.appendChild(meta);
      item.appendChild(bar);
      item.appendChild(state);
      var actions = el("span", "upload-item__actions");
      actions.appendChild(retry);
      actions.appendChild(remove);
      item.appendChild(actions);
      list.appendChild(item);
      var upload = { file: file, item: item, bar: bar, state: state, retry: retry, xhr: null };
      upload.status = "waiting";
      uploads.push(upload);
      retry.addEventListener("click", function () {
        send(upload);
      });
      remove.addEventListener("click", function () {
        if (upload.xhr) upload.xhr.abort();
        upload.status = "removed";
        item.parentNode.removeChild(item);
        uploads.splice(uploads.indexOf(upload), 1);
        summary();
      });
      if (maxBytes && file.size > maxBytes) {
        fail(upload, fmt(T.tooBig, file.name));
        retry.hidden = true;
        return;
      }
      send(upload);
    }

    function fail(upload, message) {
      upload.status = "failed";
      upload.xhr = null;
      upload.item.classList.add("is-failed");
      upload.item.classList.remove("is-sending");
      upload.state.textContent = message || T.failed;
      upload.retry.hidden = false;
      summary();
    }

    function send(upload) {
      var data = new FormData();
      if (tokenField) data.append("csrfmiddlewaretoken", tokenField.value);
      data.append("period", period());
      data.append("file", upload.file, upload.file.name);
      var xhr = new XMLHttpRequest();
      upload.xhr = xhr;
      upload.status = "sending";
      upload.item.classList.remove("is-failed");
      upload.item.classList.add("is-sending");
      upload.retry.hidden = true;
      upload.bar.value = 0;
      upload.state.textContent = fmt(T.sending, "0%");
      xhr.open("POST", url);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      if (tokenField) xhr.setRequestHeader("X-CSRFToken", tokenField.value);
      xhr.upload.addEventListener("progress", function (event) {
        if (!event.lengthComputable) return;
        var percent = Math.min(99, Math.round((event.loaded / event.total) * 100));
        upload.bar.value = percent;
        upload.state.textContent = fmt(T.sending, percent + "%");
      });
      xhr.addEventListener("load", function () {
        var body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch (error) {
          body = null;
        }
        if (upload.status === "removed") return;
        if (xhr.status >= 200 && xhr.status < 300 && body && body.id) {
          upload.status = "done";
          upload.xhr = null;
          upload.bar.value = 100;
          upload.item.classList.remove("is-sending");
          upload.item.classList.add("is-done");
          upload.state.textContent = T.done;
          var hidden = document.createElement("input");
          hidden.type = "hidden";
          hidden.name = "staged";
          hidden.value = String(body.id);
          upload.item.appendChild(hidden);
          if (body.name) upload.item.querySelector(".upload-item__name").textContent = body.name;
          summary();
        } else {
          fail(upload, (body && body.error) || T.failed);
        }
      });
      xhr.addEventListener("error", function () {
        if (upload.status !== "removed") fail(upload, T.network);
      });
      xhr.addEventListener("timeout", function () {
        if (upload.status !== "removed") fail(upload, T.network);
      });
      xhr.send(data);
    }

    var settled = function () {};

    function summary() {
      var failed = uploads.some(function (u) {
        return u.status === "failed";
      });
      status.textContent = failed ? T.failedLeft : waitingSubmit ? T.pending : "";
      settled();
    }

    function take(files) {
      for (var i = 0; i < files.length; i += 1) add(files[i]);
    }

    input.addEventListener("change", function () {
      take(input.files);
      // The files now travel one by one; the form must not post them again.
      input.value = "";
    });
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        event.preventDefault();
        zone.classList.add("is-over");
        hint.textContent = T.dropActive;
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        event.preventDefault();
        zone.classList.remove("is-over");
        hint.textContent = T.drop;
      });
    });
    zone.addEventListener("drop", function (event) {
      if (event.dataTransfer && event.dataTransfer.files) take(event.dataTransfer.files);
    });
    // Saving while a file is still on its way: the form waits and is sent by itself once
    // every upload has arrived; a failed upload stops that and says so.
    var waitingSubmit = null;
    function busy() {
      return uploads.some(function (u) {
        return u.status === "sending" || u.status === "waiting";
      });
    }
    function failedAny() {
      return uploads.some(function (u) {
        return u.status === "failed";
      });
    }
    settled = function () {
      if (!waitingSubmit || busy()) return;
      var submitter = waitingSubmit.submitter;
      waitingSubmit = null;
      if (failedAny()) {
        status.textContent = T.failedLeft;
        return;
      }
      status.textContent = "";
      if (form.requestSubmit) {
        form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      } else {
        form.submit();
      }
    };
    form.addEventListener("submit", function (event) {
      if (busy()) {
        event.preventDefault();
        waitingSubmit = { submitter: event.submitter || null };
        status.textContent = T.pending;
      } else if (failedAny()) {
        event.preventDefault();
        status.textContent = T.failedLeft;
        status.focus();
      }
    });
  }

  function start() {
    var inputs = document.querySelectorAll("input[type=file][data-upload-stage]");
    for (var i = 0; i < inputs.length; i += 1) enhance(inputs[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
