// The fast entry page: while a new client's name, email or phone is typed, ask the server which
// existing clients are close (casework:entry_proposals) and show them in the live region. The
// page works without this script: the proposals then come when the case is recorded.
(() => {
  "use strict";
  const region = document.getElementById("client-proposals");
  if (!region || !window.fetch) {
    return;
  }
  const names = ["given_name", "family_name", "organization_name", "email", "phone"];
  const fields = names.map((name) => document.getElementById(`id_${name}`)).filter(Boolean);
  let timer = null;
  let asked = "";
  const ask = () => {
    const query = new URLSearchParams();
    for (const field of fields) {
      query.set(field.name, field.value.trim());
    }
    const text = query.toString();
    if (text === asked) {
      return;
    }
    asked = text;
    if (!fields.some((field) => field.value.trim())) {
      region.replaceChildren();
      return;
    }
    fetch(`${region.dataset.url}?${text}`, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : ""))
      .then((html) => {
        if (asked !== text) {
          return; // a later question is on its way
        }
        const parsed = new DOMParser().parseFromString(html, "text/html");
        region.replaceChildren(...parsed.body.childNodes);
      })
      .catch(() => {});
  };
  for (const field of fields) {
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(ask, 300);
    });
  }
})();
