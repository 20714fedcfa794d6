// Small DOM helpers. Text always goes in as textContent: nothing a device sends can become markup.

export function $(id) {
  return document.getElementById(id);
}

export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'text') {
      element.textContent = value;
    } else if (name.startsWith('on')) {
      element.addEventListener(name.slice(2), value);
    } else if (value !== false && value !== undefined && value !== null) {
      element.setAttribute(name, value === true ? '' : value);
    }
  }
  element.append(...children);
  return element;
}

const NEVER = '0001-01-01T00:00:00Z';

/** A hub timestamp as local time; IoT Hub writes 0001-01-01 for "never". */
export function formatTime(iso) {
  if (!iso || iso.startsWith('0001-01-01')) {
    return 'never';
  }
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : time.toLocaleString(undefined, {
    year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3,
  });
}
export { NEVER };

/** Keeps a select's options equal to {@code ids}, keeping the choice when it still exists. */
export function fillDeviceSelect(select, ids, { allOption } = {}) {
  const chosen = select.value;
  const wanted = (allOption ? [''] : []).concat(ids);
  const present = Array.from(select.options).map(option => option.value);
  if (JSON.stringify(present) === JSON.stringify(wanted)) {
    return;
  }
  select.replaceChildren(...wanted.map(id => el('option', { value: id, text: id === '' ? allOption : id })));
  if (wanted.includes(chosen)) {
    select.value = chosen;
  }
}

/** The tab list: arrow keys move between tabs, as the ARIA tabs pattern says. */
export function setUpTabs(onShow) {
  const tabs = Array.from(document.querySelectorAll('[role=tab]'));
  const show = tab => {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      other.tabIndex = selected ? 0 : -1;
      $(other.getAttribute('aria-controls')).hidden = !selected;
    }
    onShow(tab.id.replace('tab-', ''));
  };
  tabs.forEach((tab, index) => {
    tab.addEventListener('click', () => show(tab));
    tab.addEventListener('keydown', event => {
      const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
      if (step) {
        const next = tabs[(index + step + tabs.length) % tabs.length];
        next.focus();
        show(next);
      }
    });
  });
  show(tabs[0]);
}
