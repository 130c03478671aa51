// Long lists (nationality, language) become GOV.UK's accessible autocomplete: type part of a name and
// pick it from the list. Progressive enhancement: the <select> stays in the form and is what is
// sent, so without JavaScript (or when this script fails) the page works as before. A module, so only
// browsers GOV.UK Frontend supports run it; a static file, because the CSP refuses inline scripts.
// Pages that use it load /static/autocomplete/accessible-autocomplete.min.js (it defines
// window.accessibleAutocomplete) before this file.

const autocomplete = window.accessibleAutocomplete;

function optionText(option) {
  return (option.textContent || '').trim();
}

// The library picks an option only when one is chosen from the list. Leaving the box empty, or with
// text that names no option, must clear the answer too, or the old one would be sent unseen.
function confirmer(select, inputId) {
  return (chosen) => {
    const input = document.getElementById(inputId);
    const text = (chosen !== undefined ? chosen : input ? input.value : '').trim().toLowerCase();
    const match = text && Array.from(select.options).find((o) => o.value && optionText(o).toLowerCase() === text);
    select.value = match ? match.value : '';
  };
}

if (autocomplete && document.body.classList.contains('govuk-frontend-supported')) {
  document.querySelectorAll('select[data-module="app-autocomplete"]').forEach((select) => {
    const inputId = select.id;
    autocomplete.enhanceSelectElement({
      selectElement: select,
      // '' rather than the placeholder option ("Choose a country"): an unanswered question shows an
      // empty box, and an answered one shows the chosen option's name (the library's own rule).
      defaultValue: '',
      onConfirm: confirmer(select, inputId),
      // No ghost text completing the first match: it is a second, unlabelled input (axe's "label"
      // rule), and it picks for the user on leaving the box. They choose with the arrow keys or a click.
      autoselect: false,
      // A question with an error keeps its red border once the select is replaced.
      inputClasses: select.classList.contains('govuk-select--error') ? 'govuk-input--error' : null,
    });
  });
}
