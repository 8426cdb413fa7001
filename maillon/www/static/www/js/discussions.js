// Discussions: add « @Prénom Nom » to the message from the list of the space's readers.
// Without this script, the person types the mention; nothing else depends on it.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-mention-insert]");
    if (!button) return;
    var pick = document.getElementById(button.getAttribute("data-mention-insert"));
    var body = pick && document.getElementById(pick.getAttribute("data-mention-target"));
    var name = pick ? pick.value.trim() : "";
    if (!body || !name) return;
    var mention = "@" + name + " ";
    var start = body.selectionStart || body.value.length;
    var before = body.value.slice(0, start);
    var spacer = before && !/\s$/.test(before) ? " " : "";
    body.value = before + spacer + mention + body.value.slice(body.selectionEnd || start);
    var caret = (before + spacer + mention).length;
    pick.value = "";
    body.focus();
    body.setSelectionRange(caret, caret);
  });
})();
