// Show view: one image (picked, dropped or pasted) → POST /v1/images/describe; the picture with boxes
// for objects, faces and text lines, and the description (or the answer to the question) beside it.

import { request } from './api.js';
import { notify, clearNotice } from './notice.js';
import { drawBoxes, describeItems } from './overlay.js';

const $ = id => document.getElementById(id);

export function setupShow() {
  let file = null;
  let previewUrl = null;
  const drop = $('drop');
  const picker = $('show-file');

  function choose(f) {
    if (!f) return;
    if (!f.type.startsWith('image/')) {
      notify('show', `“${f.name}” is not an image (${f.type || 'unknown type'}). Choose a JPEG, PNG, WebP, BMP, GIF or TIFF file.`);
      return;
    }
    clearNotice('show');
    file = f;
    $('show-submit').disabled = false;
    describe();
  }

  picker.addEventListener('change', () => choose(picker.files[0]));
  drop.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); picker.click(); } });
  drop.addEventListener('dragover', e => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', e => { e.preventDefault(); drop.classList.remove('over'); choose(e.dataTransfer.files[0]); });
  document.addEventListener('paste', e => {
    if ($('view-show').hidden) return;
    const item = [...(e.clipboardData?.files || [])].find(f => f.type.startsWith('image/'));
    if (item) choose(item);
  });
  $('show-form').addEventListener('submit', e => { e.preventDefault(); describe(); });

  async function describe() {
    if (!file) return;
    const form = new FormData();
    form.append('image', file, file.name || 'image');
    const prompt = $('show-prompt').value.trim();
    if (prompt) form.append('prompt', prompt);
    const analyzers = [...document.querySelectorAll('#show-analyzers input:checked')].map(i => i.value);
    form.append('analyzers', analyzers.join(','));

    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(file);
    const img = $('show-image');
    img.src = previewUrl;
    $('show-figure').hidden = false;
    $('show-overlay').replaceChildren();
    $('show-description').replaceChildren();
    $('show-list').replaceChildren();
    $('show-busy').hidden = false;
    $('show-submit').disabled = true;
    const started = performance.now();
    try {
      const { body } = await request('/v1/images/describe', { method: 'POST', body: form });
      await img.decode().catch(() => {});
      render(body, Math.round(performance.now() - started));
      clearNotice('show');
    } catch (e) {
      notify('show', `Could not describe the image: ${e.message}`);
    } finally {
      $('show-busy').hidden = true;
      $('show-submit').disabled = false;
    }
  }

  function render(result, roundTripMs) {
    const description = $('show-description');
    description.dataset.describer = result.describer || '';
    const text = document.createElement('p');
    text.id = 'show-description-text';
    text.textContent = result.answer || result.description || '(no description)';
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = result.describer === 'analysis' ? 'from the analysis (no language model)' : `by ${result.describer || 'the gateway'}`;
    description.append(text, badge);

    const boxes = drawBoxes($('show-overlay'), result);
    const list = $('show-list');
    for (const item of describeItems(result)) {
      const li = document.createElement('li');
      li.textContent = item.text;
      li.tabIndex = 0;
      const box = boxes.find(b => b.dataset.kind === item.kind && b.dataset.index === String(item.index));
      const highlight = on => box?.classList.toggle('highlight', on);
      li.addEventListener('mouseenter', () => highlight(true));
      li.addEventListener('mouseleave', () => highlight(false));
      li.addEventListener('focus', () => highlight(true));
      li.addEventListener('blur', () => highlight(false));
      list.append(li);
    }
    if (list.children.length === 0) list.append(Object.assign(document.createElement('li'), { textContent: 'No objects, faces or text found.' }));
    const timings = Object.entries(result.timings_ms || {}).map(([k, v]) => `${k} ${Math.round(v)} ms`).join(', ');
    $('show-meta').textContent = `${result.width}×${result.height} px · ${roundTripMs} ms round trip${timings ? ` · ${timings}` : ''}`;
    const scene = result.scene;
    if (scene?.colours?.length) {
      const p = document.createElement('p');
      p.className = 'hint';
      p.textContent = `Brightness ${scene.brightness}, sharpness ${scene.sharpness}; colours: ${scene.colours.map(c => c.name).join(', ')}.`;
      description.append(p);
    }
  }
}
