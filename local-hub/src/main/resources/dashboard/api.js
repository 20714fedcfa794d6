// The hub's own REST API, called with the dashboard token (or a SAS token of a pasted connection string).

const API_VERSION = '2021-04-12';
const SAS_LIFETIME_SECONDS = 3600;

export class HubError extends Error {
  constructor(status, errorCode, message) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
  }
}

/** The Authorization header for a dashboard token, or for a service connection string (signed here, per call). */
export function credentialFrom(secret) {
  const text = secret.trim();
  if (!text.includes('SharedAccessKey=')) {
    return { kind: 'token', header: async () => `Bearer ${text}` };
  }
  const parts = Object.fromEntries(text.split(';').filter(Boolean).map(part => {
    const at = part.indexOf('=');
    return [part.slice(0, at), part.slice(at + 1)];
  }));
  if (!parts.HostName || !parts.SharedAccessKeyName || !parts.SharedAccessKey) {
    throw new Error('A service connection string needs HostName, SharedAccessKeyName and SharedAccessKey.');
  }
  const host = parts.HostName.replace(/:\d+$/, '');
  return { kind: 'policy', header: () => sasToken(host, parts.SharedAccessKeyName, parts.SharedAccessKey) };
}

async function sasToken(host, keyName, keyBase64, ttl = SAS_LIFETIME_SECONDS) {
  const resource = encodeURIComponent(host);
  const expiry = Math.floor(Date.now() / 1000) + ttl;
  const keyBytes = Uint8Array.from(atob(keyBase64), c => c.charCodeAt(0));
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signature = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${resource}\n${expiry}`));
  const base64 = btoa(String.fromCharCode(...new Uint8Array(signature)));
  return `SharedAccessSignature sr=${resource}&sig=${encodeURIComponent(base64)}&se=${expiry}&skn=${encodeURIComponent(keyName)}`;
}

export class HubApi {
  constructor(credential) {
    this.credential = credential;
  }

  url(path, query = {}) {
    const url = new URL(path, location.origin);
    url.searchParams.set('api-version', API_VERSION);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') {
        url.searchParams.set(name, value);
      }
    }
    return url;
  }

  /** JSON in, JSON out; a failure becomes a HubError with IoT Hub's errorCode and message. */
  async request(method, path, { body, ifMatch, query } = {}) {
    const headers = { Authorization: await this.credential.header() };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    if (ifMatch) {
      headers['If-Match'] = ifMatch;
    }
    const response = await fetch(this.url(path, query), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store', credentials: 'omit',
    });
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok) {
      throw new HubError(response.status, json?.errorCode ?? response.status,
        json?.message ?? (text || `HTTP ${response.status}`));
    }
    return json;
  }

  devices() {
    return this.request('GET', '/devices');
  }

  createDevice(deviceId) {
    return this.request('PUT', `/devices/${encodeURIComponent(deviceId)}`, { body: { deviceId } });
  }

  /** Keeps the device's keys: an update without them would make new ones and disconnect the device. */
  setStatus(device, status) {
    return this.request('PUT', `/devices/${encodeURIComponent(device.deviceId)}`, {
      body: { deviceId: device.deviceId, status, authentication: device.authentication },
      ifMatch: device.etag,
    });
  }

  deleteDevice(device) {
    return this.request('DELETE', `/devices/${encodeURIComponent(device.deviceId)}`, { ifMatch: device.etag });
  }

  invokeMethod(deviceId, request) {
    return this.request('POST', `/twins/${encodeURIComponent(deviceId)}/methods`, { body: request });
  }

  twin(deviceId) {
    return this.request('GET', `/twins/${encodeURIComponent(deviceId)}`);
  }

  /** The local hub's own route (IoT Hub has none): sets off a fault injection on the device's connection. */
  injectFault(deviceId, fault) {
    return this.request('POST', `/devices/${encodeURIComponent(deviceId)}/faults`, { body: fault });
  }

  /** The trusted CA certificates, read-only: they are added and removed with the CLI. */
  caCertificates() {
    return this.request('GET', '/certificates');
  }

  patchTwin(deviceId, patch) {
    return this.request('PATCH', `/twins/${encodeURIComponent(deviceId)}`, { body: patch, ifMatch: '*' });
  }
}
