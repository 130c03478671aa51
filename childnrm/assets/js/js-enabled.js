// Lets GOV.UK Frontend styles know JavaScript runs, and whether the browser supports ES modules.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
