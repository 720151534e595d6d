'use strict';
// bff-web's composed endpoints written the textbook way in Node/Express: one async handler per
// endpoint, the upstream calls started together and awaited with Promise.all, the JSON shaped by
// hand. The Node counterpart in deploy/bench/aggregate.sh; not a production service.
//
//   GET /api/product-summary/:id   catalog + inventory + reviews summary
//   GET /api/product-details/:id   catalog + reviews + reviews summary + inventory + shipping +
//                                  recommendations, then catalog for each recommended product
//
// Environment:
//   PORT [3000], HOST [127.0.0.1]
//   CATALOG_URL, REVIEWS_URL, INVENTORY_URL, RECOMMENDATIONS_URL, SHIPPING_URL
//                       [http://127.0.0.1:7101, 7102, 7103, 7104, 7109: the demo services]
//   CLIENT [fetch]      fetch: Node's global fetch (undici, its default keep-alive pool), the
//                       textbook choice; agent: http.request with
//                       http.Agent({keepAlive: true, maxSockets: AGENT_MAX_SOCKETS [64]}), the tuned one
//   UPSTREAM_TIMEOUT_MS [0]   0: no timeout on upstream calls (textbook); otherwise a per-call timeout
//   WORKERS [1]         >1: node:cluster with that many worker processes sharing the port
//
// A required call that fails answers 502 {"error":"bad_gateway", ...}; a 404 from an upstream
// (unknown product) answers 404 {"error":"not_found", ...}.
const cluster = require('node:cluster');
const http = require('node:http');
const express = require('express');

const PORT = Number(process.env.PORT || 3000);
const HOST = process.env.HOST || '127.0.0.1';
const CLIENT = process.env.CLIENT || 'fetch';
const WORKERS = Number(process.env.WORKERS || 1);
const TIMEOUT_MS = Number(process.env.UPSTREAM_TIMEOUT_MS || 0);
const MAX_SOCKETS = Number(process.env.AGENT_MAX_SOCKETS || 64);
const CATALOG = process.env.CATALOG_URL || 'http://127.0.0.1:7101';
const REVIEWS = process.env.REVIEWS_URL || 'http://127.0.0.1:7102';
const INVENTORY = process.env.INVENTORY_URL || 'http://127.0.0.1:7103';
const RECOMMENDATIONS = process.env.RECOMMENDATIONS_URL || 'http://127.0.0.1:7104';
const SHIPPING = process.env.SHIPPING_URL || 'http://127.0.0.1:7109';

if (CLIENT !== 'fetch' && CLIENT !== 'agent') {
  console.error(`CLIENT must be fetch or agent, got '${CLIENT}'`);
  process.exit(2);
}

class UpstreamError extends Error {
  constructor(url, status, cause) {
    super(status ? `${url} answered ${status}` : `${url} failed: ${cause && cause.message}`, { cause });
    this.status = status;
  }
}

// ---- the two HTTP clients: getJson(url) -> parsed body of a 2xx answer, else UpstreamError ----

async function fetchJson(url) {
  let res;
  try {
    res = await fetch(url, TIMEOUT_MS > 0 ? { signal: AbortSignal.timeout(TIMEOUT_MS) } : undefined);
  } catch (e) {
    throw new UpstreamError(url, 0, e);
  }
  if (!res.ok) {
    await res.arrayBuffer().catch(() => {}); // read the body so the connection goes back to the pool
    throw new UpstreamError(url, res.status);
  }
  return res.json();
}

const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });

function agentJson(url) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, headers: { accept: 'application/json' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (e) => reject(new UpstreamError(url, 0, e)));
      res.on('end', () => {
        if (res.statusCode < 200 || res.statusCode >= 300) {
          reject(new UpstreamError(url, res.statusCode));
          return;
        }
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (e) {
          reject(new UpstreamError(url, 0, e));
        }
      });
    });
    req.on('error', (e) => reject(new UpstreamError(url, 0, e)));
    if (TIMEOUT_MS > 0) req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`timeout after ${TIMEOUT_MS} ms`)));
    req.end();
  });
}

const getJson = CLIENT === 'agent' ? agentJson : fetchJson;

// ---- the endpoints ------------------------------------------------------------------------------

function fail(res, err) {
  if (err instanceof UpstreamError && err.status === 404) {
    res.status(404).json({ error: 'not_found', message: err.message });
  } else {
    res.status(502).json({ error: 'bad_gateway', message: err.message });
  }
}

function serve() {
  const app = express();

  app.get('/health', (req, res) => res.json({ status: 'UP', client: CLIENT }));

  app.get('/api/product-summary/:id', async (req, res) => {
    const id = encodeURIComponent(req.params.id);
    try {
      const [product, stock, rating] = await Promise.all([
        getJson(`${CATALOG}/products/${id}`),
        getJson(`${INVENTORY}/inventory/${id}`),
        getJson(`${REVIEWS}/reviews/summary?productId=${id}`),
      ]);
      res.json({
        id: product.id,
        name: product.name,
        price: product.price,
        currency: product.currency,
        thumbnail: product.images?.thumbnail?.url ?? null,
        inStock: stock.quantity > 0,
        quantity: stock.quantity,
        shipsInDays: stock.shipsInDays,
        rating: { average: rating.average, count: rating.count },
      });
    } catch (err) {
      fail(res, err);
    }
  });

  app.get('/api/product-details/:id', async (req, res) => {
    const id = encodeURIComponent(req.params.id);
    try {
      const [product, reviews, rating, stock, shipping, recommended] = await Promise.all([
        getJson(`${CATALOG}/products/${id}`),
        getJson(`${REVIEWS}/reviews?productId=${id}&limit=20`),
        getJson(`${REVIEWS}/reviews/summary?productId=${id}`),
        getJson(`${INVENTORY}/inventory/${id}`),
        getJson(`${SHIPPING}/shipping/estimate?productId=${id}`),
        // as soon as the recommendations are there, the recommended products, in parallel
        getJson(`${RECOMMENDATIONS}/recommendations?productId=${id}&limit=8`).then((recs) =>
          Promise.all(recs.items.map((rid) => getJson(`${CATALOG}/products/${encodeURIComponent(rid)}`)))),
      ]);
      res.json({
        id: product.id,
        name: product.name,
        description: product.description,
        brand: product.brand,
        category: product.category,
        price: product.price,
        currency: product.currency,
        images: product.images,
        rating: { average: rating.average, count: rating.count },
        reviews: reviews.items.map((r) => ({
          id: r.id, author: r.author, rating: r.rating, title: r.title, text: r.text, createdAt: r.createdAt,
        })),
        inventory: { quantity: stock.quantity, warehouse: stock.warehouse, shipsInDays: stock.shipsInDays },
        inStock: stock.quantity > 0,
        shipping: { country: shipping.country, days: shipping.days, cost: shipping.cost, currency: shipping.currency },
        recommendations: recommended.map((p) => ({
          id: p.id, name: p.name, price: p.price, currency: p.currency, thumbnail: p.images?.thumbnail?.url ?? null,
        })),
      });
    } catch (err) {
      fail(res, err);
    }
  });

  app.listen(PORT, HOST, (err) => { // Express 5 passes a listen error (e.g. EADDRINUSE) here
    if (err) {
      console.error(`express ${process.pid} cannot listen on ${HOST}:${PORT}: ${err.message}`);
      process.exit(1);
    }
    console.log(`express ${process.pid} listening on http://${HOST}:${PORT} (client=${CLIENT})`);
  });
}

// ---- one process, or a node:cluster primary with WORKERS workers sharing the port ------------------

if (WORKERS > 1 && cluster.isPrimary) {
  for (let i = 0; i < WORKERS; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    console.error(`worker ${worker.process.pid} exited (${signal || code})`);
  });
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers)) worker.kill('SIGTERM');
    process.exit(0);
  });
  console.log(`express primary ${process.pid}: ${WORKERS} workers, client=${CLIENT}`);
} else {
  serve();
}
