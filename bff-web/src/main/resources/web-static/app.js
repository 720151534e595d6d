// The product page of the demo shop: one call to bff-web's composed endpoint, rendered with
// textContent only (values from the services are never parsed as HTML).
'use strict';

const DETAILS = '/api/product-details/';

function text(id, value) {
  const el = document.getElementById(id);
  el.textContent = value == null ? '' : String(value);
  return el;
}

function money(amount, currency) {
  if (amount == null) {
    return '';
  }
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: currency || 'EUR' }).format(amount);
  } catch (e) {
    return amount + ' ' + (currency || '');
  }
}

function item(parent, ...lines) {
  const li = document.createElement('li');
  lines.forEach((line, i) => {
    const el = document.createElement(i === 0 ? 'strong' : 'div');
    el.textContent = line;
    li.appendChild(el);
  });
  parent.appendChild(li);
  return li;
}

function renderReviews(reviews) {
  const list = document.getElementById('reviews');
  list.replaceChildren();
  (reviews || []).forEach(r =>
    item(list, (r.title || '') + ' (' + r.rating + '/5)', r.text || '', '— ' + (r.author || '')));
  document.getElementById('reviews-section').hidden = list.children.length === 0;
}

function renderRecommendations(recommendations) {
  const list = document.getElementById('recommendations');
  list.replaceChildren();
  (recommendations || []).forEach(p => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = '?id=' + encodeURIComponent(p.id);
    a.textContent = p.name;
    const price = document.createElement('div');
    price.textContent = money(p.price, p.currency);
    li.append(a, price);
    list.appendChild(li);
  });
  document.getElementById('recommendations-section').hidden = list.children.length === 0;
}

function render(p, degraded) {
  text('name', p.name);
  text('brand', p.brand ? 'by ' + p.brand : '');
  text('price', money(p.price, p.currency));
  text('description', p.description);
  text('stock', p.inStock == null ? 'Stock unknown' : p.inStock ? 'In stock' : 'Out of stock');
  const s = p.shipping;
  text('shipping', s ? 'Ships to ' + s.country + ' in ' + s.days + ' days for ' + money(s.cost, s.currency) : '');
  const r = p.rating;
  const rated = r && r.average != null;
  text('rating', rated ? 'Rated ' + Number(r.average).toFixed(1) + '/5 by ' + r.count + ' customers' : '');
  const image = document.getElementById('image');
  const url = p.images && p.images.medium && p.images.medium.url;
  image.hidden = !url;
  if (url) {
    image.src = url;
    image.alt = p.name || '';
  }
  renderReviews(p.reviews);
  renderRecommendations(p.recommendations);
  document.getElementById('product').hidden = false;
  const status = text('status', degraded ? 'Some details are missing right now (' + degraded + ').' : '');
  status.className = degraded ? 'degraded' : '';
}

async function show(id) {
  const status = text('status', 'Loading…');
  status.className = '';
  try {
    const res = await fetch(DETAILS + encodeURIComponent(id), { headers: { Accept: 'application/json' } });
    const body = await res.json();
    if (!res.ok) {
      throw new Error(body.detail || body.title || 'HTTP ' + res.status);
    }
    render(body, res.headers.get('BFF-Degraded'));
  } catch (e) {
    document.getElementById('product').hidden = true;
    document.getElementById('reviews-section').hidden = true;
    document.getElementById('recommendations-section').hidden = true;
    text('status', 'Product ' + id + ' could not be shown: ' + e.message).className = 'error';
  }
}

document.addEventListener('DOMContentLoaded', () => {
  const id = new URLSearchParams(location.search).get('id') || '1';
  document.getElementById('product-id').value = id;
  document.getElementById('image').addEventListener('error', e => { e.target.hidden = true; });
  document.getElementById('pick').addEventListener('submit', e => {
    e.preventDefault();
    const next = document.getElementById('product-id').value.trim();
    if (next) {
      history.pushState(null, '', '?id=' + encodeURIComponent(next));
      show(next);
    }
  });
  window.addEventListener('popstate', () => show(new URLSearchParams(location.search).get('id') || '1'));
  show(id);
});
