/* Salon: small progressive enhancements for the comment section.
 *
 * Everything here is optional: the site works fully without it (Reply links are ?replytocom=ID#respond and Preview
 * is a submit button). No dependencies, no build step, no inline code (the CSP is script-src 'self'), no cookies.
 * Each feature looks for its own markup and quietly does nothing when it is missing.
 */
(() => {
  'use strict';

  const PREVIEW_URL = '/comments/preview/';
  const PREVIEW_DELAY = 400; // ms of quiet typing before the preview is fetched
  const STORE_PREFIX = 'salon:lastVisit:';

  /* ---- 1. Moving the reply form under the comment being answered (like WordPress's comment-reply.js) ---- */

  function setupReplyForm() {
    const respond = document.getElementById('respond');
    const form = document.getElementById('commentform');
    const parentField = document.getElementById('comment_parent');
    const title = document.getElementById('reply-title');
    const cancel = document.getElementById('cancel-comment-reply-link');
    if (!respond || !form || !parentField || !title || !cancel) return;

    let placeholder = null; // marks the form's home while it is away
    let opener = null; // the Reply link that moved the form: focused again on cancel

    // The heading is "Leave a Reply[ to NAME] <small>cancel link</small>": change its text, keep the <small>.
    const setTitle = (text) => {
      for (let n = title.firstChild; n; n = n.nextSibling) {
        if (n.nodeType === Node.ELEMENT_NODE) break;
        if (n.nodeType === Node.TEXT_NODE && n.nodeValue.trim() !== '') {
          n.nodeValue = text + ' ';
          return;
        }
      }
      title.insertBefore(document.createTextNode(text + ' '), title.firstChild);
    };

    const textarea = () => form.querySelector('textarea#comment');

    const moveTo = (link) => {
      const li = link.closest('li.comment');
      const body = li && li.querySelector(':scope > .comment-body');
      const id = link.getAttribute('data-comment-id');
      if (!body || !id) return false;

      if (!placeholder) {
        placeholder = document.createElement('div');
        placeholder.id = 'respond-placeholder';
        placeholder.hidden = true;
        respond.before(placeholder);
      }
      body.after(respond); // moving a node keeps what was typed in its fields
      parentField.value = id;
      setTitle('Leave a Reply to ' + (link.getAttribute('data-author') || 'this comment'));
      cancel.hidden = false;
      opener = link;
      const box = textarea();
      if (box) box.focus();
      return true;
    };

    const reset = () => {
      if (placeholder) {
        if (placeholder.isConnected) placeholder.replaceWith(respond);
        placeholder = null;
      }
      parentField.value = '0';
      setTitle('Leave a Reply');
      cancel.hidden = true;
      // A form that came with ?replytocom= (or back with errors) answers no one now: tidy the address too.
      if (new URLSearchParams(location.search).has('replytocom')) {
        try {
          const url = new URL(location.href);
          url.searchParams.delete('replytocom');
          history.replaceState(history.state, '', url.pathname + url.search + url.hash);
        } catch (e) { /* leave the address as it is */ }
      }
      const back = opener && opener.isConnected ? opener : textarea();
      opener = null;
      if (back) back.focus();
    };

    document.addEventListener('click', (e) => {
      // Let ctrl/cmd/shift/middle clicks open the no-JS reply page in a new tab or window.
      if (e.button !== 0 || e.defaultPrevented || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      if (!(e.target instanceof Element)) return;
      const link = e.target.closest('.comment-reply-link');
      if (link) {
        if (moveTo(link)) e.preventDefault();
        return;
      }
      if (e.target.closest('#cancel-comment-reply-link')) {
        e.preventDefault();
        reset();
      }
    });
  }

  /* ---- 2. Live preview while typing ---- */

  function setupPreview() {
    const form = document.getElementById('commentform');
    if (!form || !window.fetch) return;
    const box = form.querySelector('textarea#comment');
    const preview = form.querySelector('.comment-preview');
    const target = preview && preview.querySelector('.comment-content');
    if (!box || !target) return;

    // The no-JS preview sits by the buttons; a live one is more use right under the box being typed in.
    const help = form.querySelector('#comment-help');
    const field = box.closest('p, div');
    if (preview.hidden) (help || field).after(preview);

    let timer = 0;
    let shown = !preview.hidden && box.value.trim() !== '' ? box.value : null; // the text the preview shows
    let seq = 0; // only the newest request may change the preview
    let inflight = null;

    const update = () => {
      timer = 0;
      const text = box.value;
      if (text.trim() === '') {
        if (inflight) inflight.abort();
        seq++;
        shown = null;
        preview.hidden = true;
        target.textContent = '';
        return;
      }
      if (text === shown) return;
      if (inflight) inflight.abort();
      const mine = ++seq;
      const ctrl = typeof AbortController === 'function' ? new AbortController() : null;
      inflight = ctrl;
      fetch(PREVIEW_URL, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8' },
        body: new URLSearchParams({ comment: text }).toString(),
        signal: ctrl ? ctrl.signal : undefined,
      })
        .then((res) => {
          if (!res.ok) throw new Error('preview: HTTP ' + res.status);
          return res.text();
        })
        .then((html) => {
          if (mine !== seq) return;
          target.innerHTML = html; // sanitized by the server: the same rendering as a posted comment
          preview.hidden = false;
          shown = text;
        })
        .catch(() => { /* offline, aborted or refused: leave the preview as it was */ })
        .then(() => { if (inflight === ctrl) inflight = null; });
    };

    box.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(update, PREVIEW_DELAY);
    });
  }

  /* ---- 3. "N new comments since your last visit" ---- */

  function postPath() {
    let path = location.pathname;
    // A refused comment comes back at /comments/: the canonical link still names the post (and its comment page).
    const canonical = document.querySelector('link[rel="canonical"]');
    if (canonical && canonical.href) {
      try { path = new URL(canonical.href, location.href).pathname; } catch (e) { /* keep location's */ }
    }
    return path.replace(/comment-page-\d+\/?$/, '');
  }

  function setupNewComments() {
    const section = document.querySelector('section#comments');
    if (!section) return;
    let store = null;
    let stored = null;
    const key = STORE_PREFIX + postPath();
    try {
      store = window.localStorage;
      if (!store) return;
      stored = store.getItem(key);
    } catch (e) {
      return; // storage disabled, or private mode
    }
    const since = stored === null ? NaN : parseInt(stored, 10);

    let newest = 0;
    const fresh = [];
    for (const li of section.querySelectorAll('li.comment[data-time]')) {
      const t = parseInt(li.getAttribute('data-time'), 10);
      if (!Number.isFinite(t)) continue;
      if (t > newest) newest = t;
      // The reader's own comments (still editable, or awaiting moderation) are no news to them.
      const own = li.classList.contains('pending') || li.querySelector(':scope > .comment-body .comment-edit-link');
      if (t > since && !own) fresh.push(li);
    }

    const notice = section.querySelector('.new-comments');
    if (fresh.length > 0 && notice) {
      for (const li of fresh) li.classList.add('is-new');
      const a = document.createElement('a');
      a.href = '#' + fresh[0].id;
      a.textContent = `${fresh.length} new comment${fresh.length === 1 ? '' : 's'} since your last visit`;
      notice.replaceChildren(a);
      notice.hidden = false;
    }

    let next = newest || Math.floor(Date.now() / 1000);
    if (since > next) next = since; // an older page of comments must not move it back
    try { store.setItem(key, String(next)); } catch (e) { /* full or refused: fine */ }
  }

  function init() {
    // Each feature on its own: one failing must not stop the others.
    for (const setup of [setupReplyForm, setupPreview, setupNewComments]) {
      try { setup(); } catch (e) { if (window.console) console.warn('salon.js:', e); }
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
