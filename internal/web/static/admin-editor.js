/* Salon admin: enhancements of the post editor.
 *
 * The editor works fully without this script: Save, Publish and Preview are submit buttons, and the server keeps
 * every typed character when it refuses a save. This adds what only a script can: a live word count, a live
 * preview, autosave every few seconds and when the page is left, and keyboard shortcuts. No dependencies, no
 * inline code (the CSP is script-src 'self').
 */
(() => {
  'use strict';

  const form = document.getElementById('editor');
  if (!form) return;

  const AUTOSAVE_EVERY = 5000; // ms between autosaves while the text changes
  const PREVIEW_DELAY = 400; // ms of quiet typing before the preview is fetched

  const field = (name) => form.elements.namedItem(name);
  const title = field('title');
  const body = field('body');
  const excerpt = field('excerpt');
  const base = field('base');
  const csrf = field('csrf');
  const type = field('type');
  const format = field('format');
  const statusLine = document.getElementById('autosave-status');
  const wordCount = document.getElementById('word-count');
  const preview = document.getElementById('preview');
  const previewFrame = preview && preview.querySelector('.preview-frame');
  const previewButton = form.querySelector('button[data-shortcut="preview"]');
  const saveButton = form.querySelector('button[data-shortcut="save"]');
  const publishButton = form.querySelector('button[data-publish]');
  const statusSelect = field('status');
  const dateInput = field('date');

  const say = (text) => { if (statusLine) statusLine.textContent = text; };
  const text = () => (excerpt ? excerpt.value : '') + '\u0000' + title.value + '\u0000' + body.value;

  /* ---- Word count, as the server counts: runs of letters and digits ---- */

  const countWords = () => {
    if (!wordCount) return;
    const words = body.value.match(/[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu);
    wordCount.textContent = String(words ? words.length : 0);
  };
  body.addEventListener('input', countWords);

  /* ---- Autosave ---- */

  let saved = text(); // what the server holds, as a post or as this user's autosave
  let creating = null; // the request creating a new post's draft, while it runs
  let submitting = false;

  const autosaveBody = () => {
    const data = new URLSearchParams(new FormData(form));
    data.delete('action');
    return data;
  };

  // adopt switches a new post's editor to the draft its first autosave created.
  const adopt = (reply) => {
    if (!reply.id) return;
    form.action = reply.edit;
    form.dataset.autosave = reply.autosave;
    form.dataset.revisions = reply.revisions;
    if (base) base.value = String(reply.base);
    history.replaceState(null, '', reply.edit);
  };

  const autosave = async () => {
    const current = text();
    if (current === saved || submitting || creating) return;
    const isNew = !form.dataset.autosave || form.dataset.autosave.indexOf('/new/') >= 0;
    const request = fetch(form.dataset.autosave, {
      method: 'POST', body: autosaveBody(), credentials: 'same-origin', headers: { 'Accept': 'application/json' },
    });
    if (isNew) creating = request;
    try {
      const res = await request;
      if (!res.ok) throw new Error(String(res.status));
      const reply = await res.json();
      saved = current;
      if (isNew) adopt(reply);
      say(reply.saved ? 'Autosaved at ' + reply.time + '.' : '');
    } catch (e) {
      say('Not autosaved just now: your text is still here. Retrying…');
    } finally {
      if (isNew) creating = null;
    }
  };

  // When the page is hidden or left, send what is unsaved in a beacon, which the browser delivers even as the
  // page goes away. The form token travels in the body, as in every admin form.
  const autosaveNow = () => {
    if (submitting || creating || text() === saved || !navigator.sendBeacon) return;
    if (navigator.sendBeacon(form.dataset.autosave, autosaveBody())) saved = text();
  };

  window.setInterval(autosave, AUTOSAVE_EVERY);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') autosaveNow(); });
  window.addEventListener('pagehide', autosaveNow);
  form.addEventListener('submit', (e) => {
    const button = e.submitter;
    if (button && button.value === 'preview' && preview) {
      e.preventDefault();
      togglePreview();
      return;
    }
    submitting = true;
  });
  // Back from the cache after a submit: autosave again.
  window.addEventListener('pageshow', (e) => { if (e.persisted) submitting = false; });

  /* ---- Live preview ---- */

  let previewTimer = 0;
  let previewSeq = 0;

  const refreshPreview = async () => {
    if (!preview || preview.hidden) return;
    const seq = ++previewSeq;
    const data = new URLSearchParams();
    data.set('csrf', csrf.value);
    data.set('title', title.value);
    data.set('body', body.value);
    if (type) data.set('type', type.value);
    if (format) data.set('format', format.value);
    try {
      const res = await fetch(form.dataset.preview, { method: 'POST', body: data, credentials: 'same-origin' });
      if (!res.ok) throw new Error(String(res.status));
      const html = await res.text();
      // The server renders and sanitizes it exactly as the public page; only the newest answer is shown.
      if (seq === previewSeq) previewFrame.innerHTML = html;
    } catch (e) {
      if (seq === previewSeq) previewFrame.textContent = 'The preview could not be made just now.';
    }
  };

  const togglePreview = () => {
    if (!preview) return;
    preview.hidden = !preview.hidden;
    if (previewButton) {
      previewButton.textContent = preview.hidden ? 'Preview' : 'Hide preview';
      previewButton.setAttribute('aria-expanded', String(!preview.hidden));
    }
    form.classList.toggle('previewing', !preview.hidden);
    if (!preview.hidden) refreshPreview();
  };

  const schedulePreview = () => {
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(refreshPreview, PREVIEW_DELAY);
  };
  title.addEventListener('input', schedulePreview);
  body.addEventListener('input', schedulePreview);
  if (previewButton && preview) previewButton.setAttribute('aria-expanded', String(!preview.hidden));

  /* ---- Button labels follow the status and date chosen ---- */

  const published = saveButton && saveButton.classList.contains('primary');
  const relabel = () => {
    if (saveButton && statusSelect) {
      const labels = { draft: 'Save draft', pending: 'Save as pending' };
      saveButton.textContent = labels[statusSelect.value] || (published ? 'Update' : 'Save and publish');
    }
    if (publishButton && dateInput) {
      const when = dateInput.value ? new Date(dateInput.value) : null; // the browser's zone: a hint only
      publishButton.textContent = when && when.getTime() > Date.now() ? 'Schedule' : 'Publish';
    }
  };
  if (statusSelect) statusSelect.addEventListener('change', relabel);
  if (dateInput) dateInput.addEventListener('change', relabel);

  /* ---- Keyboard shortcuts ---- */

  document.addEventListener('keydown', (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    const key = e.key.toLowerCase();
    if (key === 's' && !e.shiftKey && saveButton) {
      e.preventDefault();
      form.requestSubmit(saveButton);
    } else if (key === 'p' && e.shiftKey) {
      e.preventDefault();
      togglePreview();
    }
  });
})();
