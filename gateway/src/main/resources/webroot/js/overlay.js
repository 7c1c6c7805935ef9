// Boxes over an image or video: positioned in percent of the analysed image's pixel size, so they
// stay on the right pixels however the picture is scaled on screen.

/**
 * Replaces the boxes in `overlay` with those of `analysis` ({width, height, objects, faces, text},
 * boxes as {x, y, width, height} in the analysed image's pixels). Returns the box elements.
 */
export function drawBoxes(overlay, analysis) {
  overlay.replaceChildren();
  const { width, height } = analysis;
  if (!width || !height) return [];
  const boxes = [];
  const add = (kind, index, box, label) => {
    if (!box) return;
    const el = document.createElement('div');
    el.className = `box ${kind}`;
    el.dataset.kind = kind;
    el.dataset.index = String(index);
    el.style.left = `${(box.x / width) * 100}%`;
    el.style.top = `${(box.y / height) * 100}%`;
    el.style.width = `${(box.width / width) * 100}%`;
    el.style.height = `${(box.height / height) * 100}%`;
    const tag = document.createElement('span');
    tag.textContent = label;
    el.append(tag);
    overlay.append(el);
    boxes.push(el);
  };
  (analysis.objects || []).forEach((o, i) => add('object', i, o.box, `${o.label} ${percent(o.score)}`));
  (analysis.faces || []).forEach((f, i) => add('face', i, f.box, `face ${percent(f.score)}`));
  (analysis.text || []).forEach((t, i) => add('text', i, t.box, t.text));
  return boxes;
}

export function percent(score) {
  return score == null ? '' : `${Math.round(score * 100)}%`;
}

/** One line per thing found, for lists beside the picture and for screen readers. */
export function describeItems(analysis) {
  const items = [];
  (analysis.objects || []).forEach((o, i) => items.push({ kind: 'object', index: i, text: `${o.label} (${percent(o.score)})` }));
  (analysis.faces || []).forEach((f, i) => items.push({ kind: 'face', index: i, text: `face (${percent(f.score)})` }));
  (analysis.text || []).forEach((t, i) => items.push({ kind: 'text', index: i, text: `text “${t.text}”` }));
  return items;
}
