// Parts of a page that work only with JavaScript (a live search) are drawn hidden and disabled,
// so that without it the page offers its plain fallback alone; with it, show and enable them —
// once the document is loaded, after htmx (whose script comes first) has bound their requests:
// a search typed into a box shown earlier would send nothing.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-needs-js]").forEach((element) => {
    element.hidden = false;
    element.disabled = false;
  });
});
