// Twin: tags, desired and reported properties with their versions; desired and tags edited as JSON and sent as a
// merge patch (a property removed in the editor is sent as null), so the hub applies IoT Hub's rules and limits.
import { $, el, fillDeviceSelect } from './ui.js';

const POLL_MILLIS = 2000;

export class TwinPanel {
  constructor(api) {
    this.api = api;
    this.twin = null;
    this.edited = false;
    this.visible = false;
    $('twin-device').addEventListener('change', () => this.load(true));
    $('twin-reload').addEventListener('click', () => this.load(true));
    for (const editor of ['twin-desired-editor', 'twin-tags-editor']) {
      $(editor).addEventListener('input', () => { this.edited = true; });
    }
    $('twin-form').addEventListener('submit', event => {
      event.preventDefault();
      this.save();
    });
    setInterval(() => this.visible && this.load(false), POLL_MILLIS);
  }

  devicesChanged(devices) {
    const before = $('twin-device').value;
    fillDeviceSelect($('twin-device'), devices.map(device => device.deviceId));
    if ($('twin-device').value !== before && this.visible) {
      this.load(true);
    }
  }

  shown(visible) {
    this.visible = visible;
    if (visible) {
      this.load(!this.edited);
    }
  }

  /** Refreshes what is shown; the editors only when asked or while the user has not typed in them. */
  async load(intoEditors) {
    const deviceId = $('twin-device').value;
    if (!deviceId) {
      return;
    }
    try {
      const twin = await this.api.twin(deviceId);
      if (deviceId !== $('twin-device').value) {
        return;
      }
      this.twin = twin;
      this.render(intoEditors || !this.edited);
      if (intoEditors) {
        $('twin-message').textContent = '';
      }
    } catch (error) {
      $('twin-message').textContent = `Cannot read the twin: ${error.message}`;
    }
  }

  render(intoEditors) {
    const { desired, reported } = this.twin.properties;
    $('twin-versions').replaceChildren(
      ...entry('Twin version', this.twin.version), ...entry('Desired $version', desired.$version),
      ...entry('Reported $version', reported.$version), ...entry('Connection', this.twin.connectionState),
      ...entry('ETag', this.twin.etag));
    $('twin-reported-version').textContent = `($version ${reported.$version})`;
    $('twin-reported').textContent = JSON.stringify(withoutMetadata(reported), null, 2);
    if (intoEditors) {
      $('twin-desired-editor').value = JSON.stringify(withoutMetadata(desired), null, 2);
      $('twin-tags-editor').value = JSON.stringify(this.twin.tags || {}, null, 2);
      this.edited = false;
    }
  }

  async save() {
    const deviceId = $('twin-device').value;
    let desired;
    let tags;
    try {
      desired = jsonObject('Desired properties', $('twin-desired-editor').value);
      tags = jsonObject('Tags', $('twin-tags-editor').value);
    } catch (error) {
      $('twin-message').textContent = error.message;
      $('twin-message').className = 'error';
      return;
    }
    const patch = {};
    const tagsPatch = mergePatch(this.twin.tags || {}, tags);
    const desiredPatch = mergePatch(withoutMetadata(this.twin.properties.desired), desired);
    if (Object.keys(tagsPatch).length) {
      patch.tags = tagsPatch;
    }
    if (Object.keys(desiredPatch).length) {
      patch.properties = { desired: desiredPatch };
    }
    if (!Object.keys(patch).length) {
      $('twin-message').textContent = 'Nothing changed.';
      $('twin-message').className = '';
      return;
    }
    try {
      this.twin = await this.api.patchTwin(deviceId, patch);
      this.render(true);
      $('twin-message').textContent = `Saved: desired $version ${this.twin.properties.desired.$version}.`;
      $('twin-message').className = 'ok';
    } catch (error) {
      $('twin-message').textContent = `The hub refused the change (${error.errorCode}): ${error.message}`;
      $('twin-message').className = 'error';
    }
  }
}

function entry(term, value) {
  return [el('dt', { text: term }), el('dd', { text: String(value ?? '') })];
}

function withoutMetadata(section) {
  const copy = { ...section };
  delete copy.$metadata;
  delete copy.$version;
  return copy;
}

function jsonObject(what, text) {
  let value;
  try {
    value = JSON.parse(text.trim() || '{}');
  } catch (error) {
    throw new Error(`${what}: not valid JSON (${error.message}).`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${what} must be a JSON object, such as {"telemetryInterval": 3}.`);
  }
  return value;
}

/** What turns {@code before} into {@code after} as an IoT Hub twin patch: changed members, and null for removed ones. */
function mergePatch(before, after) {
  const patch = {};
  for (const name of Object.keys(before)) {
    if (!(name in after)) {
      patch[name] = null;
    }
  }
  for (const [name, value] of Object.entries(after)) {
    const old = before[name];
    if (isObject(old) && isObject(value)) {
      const inner = mergePatch(old, value);
      if (Object.keys(inner).length) {
        patch[name] = inner;
      }
    } else if (JSON.stringify(old) !== JSON.stringify(value)) {
      patch[name] = value;
    }
  }
  return patch;
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
