// The status link's "Link kopieren" and "Link teilen" buttons, as progressive enhancement: without this
// file they stay hidden and the link, the mail, the print view and the QR code still work.
(function () {
  "use strict";
  var feedback = document.getElementById("status-link-feedback");
  var copy = document.getElementById("copy-link");
  var share = document.getElementById("share-link");

  function say(text) { if (feedback) { feedback.textContent = text; } }  // role=status: read out

  function selectLink() {
    var node = document.getElementById("status-link");
    if (!node || !window.getSelection) { return; }
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  if (copy) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var link = copy.getAttribute("data-link");
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(link).then(
          function () { say(copy.getAttribute("data-done")); },
          function () { selectLink(); say(copy.getAttribute("data-failed")); }
        );
      } else {
        selectLink();
        var done = false;
        try { done = document.execCommand("copy"); } catch (e) { done = false; }
        say(copy.getAttribute(done ? "data-done" : "data-failed"));
      }
    });
  }
  if (share && navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({ title: share.getAttribute("data-title"), url: share.getAttribute("data-link") })
        .catch(function () { /* the person closed the share sheet */ });
    });
  }
}());
