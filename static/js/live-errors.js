// After a live search (htmx), the filters' error messages come back out of band into their
// containers ([data-errors-for]); mark each input invalid while its container holds a message.
document.addEventListener("htmx:afterSettle", () => {
  document.querySelectorAll("[data-errors-for]").forEach((box) => {
    const input = document.getElementById(box.dataset.errorsFor);
    if (!input) return;
    const invalid = box.children.length > 0;
    input.classList.toggle("is-invalid", invalid);
    if (invalid) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", box.id);
    } else {
      input.removeAttribute("aria-invalid");
      if (input.getAttribute("aria-describedby") === box.id) input.removeAttribute("aria-describedby");
    }
  });
});
