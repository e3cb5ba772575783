// [[ completion in the note editor: a click on a suggestion completes the open [[... before the cursor.
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.completion");
    var area = document.querySelector("textarea.markdown-source");
    if (!button || !area) return;
    var before = area.value.slice(0, area.selectionStart);
    var open = before.lastIndexOf("[[");
    if (open < 0) return;
    var text = "[[" + button.dataset.link + "]]";
    area.value = before.slice(0, open) + text + area.value.slice(area.selectionStart);
    var cursor = open + text.length;
    area.setSelectionRange(cursor, cursor);
    area.focus();
    area.dispatchEvent(new Event("keyup"));
  });
})();
