// Salon admin: the media library's Copy and Insert buttons, and a confirmation before a file is deleted.
// Without JavaScript the buttons stay hidden: each snippet can still be selected and copied by hand, and Delete
// deletes at once.
//
// Insert is for the library opened by the editor as a popup (/admin/media/?insert=1): it posts
// {type: "salon:insert-media", snippet: "…"} to the window that opened it, addressed to this site's own origin
// only, and closes. The editor checks event.origin and event.source before using the snippet.
(function () {
  "use strict";

  function snippetBox(button) {
    return document.getElementById(button.getAttribute("data-snippet"));
  }

  function flash(button, text) {
    var label = button.textContent;
    button.textContent = text;
    window.setTimeout(function () { button.textContent = label; }, 1500);
  }

  function copyBySelection(button) {
    var box = snippetBox(button);
    box.focus();
    box.select();
    try {
      flash(button, document.execCommand("copy") ? "Copied" : "Press Ctrl+C");
    } catch (e) {
      flash(button, "Press Ctrl+C");
    }
  }

  document.querySelectorAll("button.media-copy").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = snippetBox(button).value;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { flash(button, "Copied"); }, function () { copyBySelection(button); });
      } else {
        copyBySelection(button);
      }
    });
  });

  var editor = window.opener;
  if (editor && editor !== window) {
    document.querySelectorAll("button.media-insert").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        editor.postMessage({ type: "salon:insert-media", snippet: snippetBox(button).value }, window.location.origin);
        window.close();
      });
    });
  }

  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.form.addEventListener("submit", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
})();
