// CA certificates: the ones the hub trusts to sign devices' certificates, read-only (the CLI adds and removes them).
// Read when the tab is shown and every few seconds while it is, so a 'ca-certificate add' shows without a reload.
import { $, el, formatTime } from './ui.js';

const POLL_MILLIS = 5000;

export class CertificatesPanel {
  constructor(api) {
    this.api = api;
    this.visible = false;
    setInterval(() => this.visible && this.refresh(), POLL_MILLIS);
  }

  shown(visible) {
    this.visible = visible;
    if (visible) {
      this.refresh();
    }
  }

  async refresh() {
    try {
      const list = await this.api.caCertificates();
      $('certificates-error').textContent = '';
      this.render(list.value);
    } catch (error) {
      $('certificates-error').textContent = `Cannot list the CA certificates: ${error.message}`;
    }
  }

  render(certificates) {
    $('certificates-table').tBodies[0].replaceChildren(...certificates.map(certificate => el('tr',
      { 'data-certificate-name': certificate.name },
      el('th', { scope: 'row', text: certificate.name }),
      el('td', { text: certificate.properties.subject }),
      el('td', { class: 'thumbprint', text: certificate.properties.thumbprint }),
      el('td', { text: formatTime(certificate.properties.expiry) }))));
    $('certificates-empty').hidden = certificates.length > 0;
  }
}
