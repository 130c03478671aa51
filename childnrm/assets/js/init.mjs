// Starts every GOV.UK Frontend component on the page (error summary focus, service navigation, ...).
import { initAll } from '/static/govuk/govuk-frontend.min.js';
// The session time-out warning, on signed-in pages only (it does nothing without its <body> attributes).
import { initSessionTimeout } from '/static/js/session-timeout.mjs';

initAll();
initSessionTimeout();
