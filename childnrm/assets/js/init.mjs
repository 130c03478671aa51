// Starts every GOV.UK Frontend component on the page (error summary focus, service navigation, ...).
import { initAll } from '/static/govuk/govuk-frontend.min.js';

initAll();
