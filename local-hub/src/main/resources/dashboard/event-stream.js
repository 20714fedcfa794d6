// The hub's monitor stream (Server-Sent Events) read with fetch, because EventSource cannot send the
// Authorization header and the token must not go in the URL. Reconnects with Last-Event-ID, as EventSource would.

const RETRY_MILLIS = 2000;

export class EventStream {
  constructor(api, onEvent, onState) {
    this.api = api;
    this.onEvent = onEvent;
    this.onState = onState;
    this.controller = null;
  }

  /** (Re)opens the stream; {@code from: 0} replays what the hub stored before going live. */
  open(query = {}) {
    this.close();
    const controller = new AbortController();
    this.controller = controller;
    this.run(controller.signal, query);
  }

  close() {
    if (this.controller) {
      this.controller.abort();
      this.controller = null;
    }
  }

  async run(signal, query) {
    let lastEventId = null;
    while (!signal.aborted) {
      try {
        const headers = { Authorization: await this.api.credential.header(), Accept: 'text/event-stream' };
        if (lastEventId !== null) {
          headers['Last-Event-ID'] = lastEventId;
        }
        const response = await fetch(this.api.url('/monitor/events', lastEventId === null ? query : { deviceId: query.deviceId }),
          { headers, signal, cache: 'no-store', credentials: 'omit' });
        if (!response.ok) {
          const body = await response.json().catch(() => ({}));
          this.onState('error', body.message || `HTTP ${response.status}`);
          if (response.status === 401 || response.status === 403) {
            return;
          }
        } else {
          this.onState('open');
          lastEventId = await this.read(response.body, signal, lastEventId);
          this.onState('closed');
        }
      } catch (error) {
        if (signal.aborted) {
          return;
        }
        this.onState('error', error.message);
      }
      await new Promise(resolve => setTimeout(resolve, RETRY_MILLIS));
    }
  }

  /** Parses the text/event-stream format line by line; returns the last event id seen. */
  async read(body, signal, lastEventId) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let event = { data: [] };
    while (!signal.aborted) {
      const { value, done } = await reader.read();
      if (done) {
        break;
      }
      buffer += value;
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        if (line === '') {
          if (event.data.length) {
            if (event.id !== undefined) {
              lastEventId = event.id;
            }
            this.onEvent({ type: event.type || 'message', id: event.id, data: event.data.join('\n') });
          }
          event = { data: [] };
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') {
            event.data.push(text);
          } else if (field === 'event') {
            event.type = text;
          } else if (field === 'id') {
            event.id = text;
          }
        }
      }
    }
    return lastEventId;
  }
}
