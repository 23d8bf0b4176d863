// The plan editor: each click in the schedule grid is saved at once (one sub-activity per
// request, JSON back), and deleting an indicator asks first (a row with rows below it has
// its own confirmation page). Without this script the grid is a form with a
// "Simpan jadwal" button and deletes go through the confirmation page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-json-save]");
  var bar = document.querySelector(".ed-savebar");
  var status = document.querySelector("[data-status]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  if (bar) {
    bar.classList.add("is-auto");
    status.textContent = status.dataset.auto;
  }

  function say(text, failed) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("is-failed", !!failed);
  }

  function save(grid, box) {
    var id = box.name.slice(2);
    var version = document.querySelector('input[name="v-' + id + '"]');
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    data.append("v-" + id, version.value);
    grid.querySelectorAll('input[name="m-' + id + '"]:checked').forEach(function (input) {
      data.append("m-" + id, input.value);
    });
    grid.classList.add("is-saving");
    grid.classList.remove("is-failed");
    say(status.dataset.saving);
    fetch(form.action, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        var row = result.body.rows && result.body.rows[id];
        if (row) {
          version.value = row.version;
          grid.querySelectorAll('input[name="m-' + id + '"]').forEach(function (input) {
            input.checked = row.periods.indexOf(parseInt(input.value, 10)) !== -1;
          });
        }
        if (result.ok) {
          say(status.dataset.saved);
        } else {
          grid.classList.add("is-failed");
          say(status.dataset.failed + " " + (result.body.problems || []).join(" "), true);
        }
      })
      .catch(function () {
        box.checked = !box.checked;
        grid.classList.add("is-failed");
        say(status.dataset.failed, true);
      })
      .finally(function () {
        grid.classList.remove("is-saving");
      });
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox" || box.getAttribute("form") !== form.id) return;
    save(box.closest(".ed-grid"), box);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.ed-del");
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
