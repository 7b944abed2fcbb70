// Parts of a page that work only with JavaScript (a live search) are drawn hidden and disabled,
// so that without it the page offers its plain fallback alone; with it, show and enable them.
document.querySelectorAll("[data-needs-js]").forEach((element) => {
  element.hidden = false;
  element.disabled = false;
});
