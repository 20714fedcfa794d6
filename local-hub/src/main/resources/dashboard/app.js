// Signs in with the token from the address (#token=...), then starts the panels. The token is moved out of the
// address bar into this tab's sessionStorage at once, so it is not left in history or shown on screen.
import { $, setUpTabs } from './ui.js';
import { HubApi, credentialFrom } from './api.js';
import { DevicesPanel } from './devices.js';
import { TelemetryPanel } from './telemetry.js';
import { MethodsPanel } from './methods.js';
import { TwinPanel } from './twin.js';
import { CertificatesPanel } from './certificates.js';
import { FaultsPanel } from './faults.js';

const STORAGE_KEY = 'local-hub-dashboard-secret';

function secretFromAddress() {
  const match = /^#token=(.+)$/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(STORAGE_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname);
  }
  return sessionStorage.getItem(STORAGE_KEY);
}

async function signIn(secret) {
  const api = new HubApi(credentialFrom(secret));
  await api.devices();
  return api;
}

function askForSecret(message) {
  $('hub-status').textContent = 'Not signed in.';
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message || '';
  $('sign-in-secret').focus();
}

function start(api) {
  $('sign-in').hidden = true;
  $('tabs').hidden = false;
  $('hub-status').textContent = `Signed in to ${location.host}.`;
  const telemetry = new TelemetryPanel(api);
  const methods = new MethodsPanel(api);
  const twin = new TwinPanel(api);
  const faults = new FaultsPanel(api);
  const devices = new DevicesPanel(api, list => {
    telemetry.devicesChanged(list);
    methods.devicesChanged(list);
    twin.devicesChanged(list);
    faults.devicesChanged(list);
  });
  const certificates = new CertificatesPanel(api);
  setUpTabs(name => {
    twin.shown(name === 'twin');
    certificates.shown(name === 'certificates');
  });
  devices.start();
  telemetry.start();
}

async function trySecret(secret) {
  try {
    const api = await signIn(secret);
    sessionStorage.setItem(STORAGE_KEY, secret);
    start(api);
  } catch (error) {
    sessionStorage.removeItem(STORAGE_KEY);
    askForSecret(`Sign-in refused: ${error.message}`);
  }
}

$('sign-in-form').addEventListener('submit', event => {
  event.preventDefault();
  trySecret($('sign-in-secret').value);
  $('sign-in-secret').value = '';
});

const secret = secretFromAddress();
if (secret) {
  trySecret(secret);
} else {
  askForSecret();
}
