// The admin's area filter (templates/admin/area_filter.html): choosing a district or commune
// in the box opens the list filtered by it.
document.querySelectorAll("input[data-area-filter]").forEach((input) => {
  const options = document.getElementById(input.getAttribute("list"));
  input.addEventListener("change", () => {
    const chosen = Array.from(options.options).find((option) => option.value === input.value);
    if (chosen) window.location.search = chosen.dataset.url;
  });
});
