/**
 * Job types in their users' language: param titles follow the language of each response (Accept-Language), while
 * what a handler writes at run time (step labels, progress, warnings, errors) follows its job's locale, that of the
 * user who launched it (Bob is French, Alice English: server/config/users.json).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Queryable } from '../../server/db/types.js';
import { JobTypeRegistry } from '../../server/http/registry.js';
import { demoJobTypes } from '../../server/jobs/index.js';
import type { JsonObject } from '../../server/queue/types.js';
import { startWorker, type Worker } from '../../server/queue/worker.js';
import { dbKinds } from '../support/db.js';
import { jobType } from './fixtures.js';
import { type DemoUser, openWorld, type World, waitForJob } from './helpers.js';

const finished = (job: { status: string }) => ['succeeded', 'failed', 'interrupted'].includes(job.status);
const french = { 'accept-language': 'fr' };

const badRowsCsv = ['sku,name,price,stock', 'CH-9,Chair,19.90,4', 'DK-9,Desk,twelve,1', ',Nameless,3,1'].join('\n');

/** Every `title` in a schema, at any depth. */
function titlesOf(node: unknown): string[] {
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'title' && typeof value === 'string' ? [value] : titlesOf(value),
  );
}

describe('job type titles in other languages', () => {
  it('every demo job type gives each title of its paramsSchema in French', () => {
    // Only the definitions are read: no handler runs, so they need no store.
    for (const definition of demoJobTypes({} as Queryable)) {
      const missing = titlesOf(definition.paramsSchema).filter((title) => !definition.titles?.fr?.[title]);
      assert.deepEqual(missing, [], definition.type);
    }
  });

  it('refuses at start-up a translation of a title the schema does not have', () => {
    const reworded = jobType('resize', async () => {}, {
      paramsSchema: { type: 'object', properties: { size: { type: 'integer', title: 'Width' } } },
      titles: { fr: { Size: 'Taille' } },
    });
    assert.throws(() => new JobTypeRegistry([reworded]), /resize .*\(fr\): Size$/);
  });

  it('translates titles at any depth of a schema, but not a title inside a value or a param named like a keyword', () => {
    const paramsSchema: JsonObject = {
      type: 'object',
      properties: {
        box: {
          type: 'object',
          title: 'Box',
          properties: { side: { title: 'Side', oneOf: [{ const: 'left', title: 'Left' }] } },
          default: { title: 'Box' },
        },
        const: { type: 'string', title: 'Side' },
      },
    };
    const registry = new JobTypeRegistry([
      jobType('pack', async () => {}, {
        paramsSchema,
        titles: { fr: { Box: 'Boîte', Side: 'Côté', Left: 'Gauche' } },
      }),
    ]);
    assert.deepEqual(registry.paramsSchema('pack', 'fr'), {
      type: 'object',
      properties: {
        box: {
          type: 'object',
          title: 'Boîte',
          properties: { side: { title: 'Côté', oneOf: [{ const: 'left', title: 'Gauche' }] } },
          default: { title: 'Box' },
        },
        const: { type: 'string', title: 'Côté' },
      },
    });
    assert.equal(registry.paramsSchema('pack', 'en'), paramsSchema);
    assert.equal(registry.titleIn('pack', 'fr')('constructor'), 'constructor');
  });
});

for (const kind of dbKinds) {
  describe(`demo job types in the launching user's language (${kind})`, () => {
    let world: World;
    let worker: Worker;
    before(async () => {
      world = await openWorld(kind, (db) => demoJobTypes(db));
      worker = startWorker({ db: world.db, jobTypes: demoJobTypes(world.db), concurrency: 4 });
    });
    after(async () => {
      await worker.stop({ graceMs: 1_000 });
      await world.close();
    });

    async function run(user: DemoUser, type: string, params: Record<string, unknown>) {
      const launched = await world.call(user, 'POST', '/jobs', { body: { type, params }, headers: french });
      assert.equal(launched.status, 202, launched.text);
      return waitForJob(world, launched.body.id, finished, { user });
    }

    async function report(user: DemoUser, id: string, headers: Record<string, string> = {}) {
      const { body } = await world.call(user, 'GET', `/jobs/${id}/report`, { headers });
      const options = body.job.options.map((o: { label: string; value: string }) => [o.label, o.value]);
      const steps = body.steps.map((s: { label: string }) => s.label);
      return { options, steps };
    }

    async function messages(user: DemoUser, id: string, level: 'warning' | 'error') {
      const { body } = await world.call(user, 'GET', `/jobs/${id}/messages?level=${level}`);
      return body.items.map((m: { message: string }) => m.message);
    }

    it('says that its answers vary with the Accept-Language they were given, errors included', async () => {
      const types = await world.call('alice', 'GET', '/job-types', { headers: french });
      assert.equal(types.status, 200);
      const missing = await world.call('alice', 'GET', '/jobs/999999', { headers: french });
      assert.equal(missing.status, 404);
      const anonymous = await world.call(null, 'GET', '/jobs');
      assert.equal(anonymous.status, 401);
      for (const { headers } of [types, missing, anonymous])
        assert.match(headers.get('vary') ?? '', /accept-language/i);
    });

    it('shows a French import its options, steps, progress and warnings in French', async () => {
      const job = await run('bob', 'product-import', { file: badRowsCsv, fileName: 'chaises.csv', mode: 'create' });
      assert.equal(job.status, 'succeeded');
      assert.deepEqual(await report('bob', job.id, french), {
        options: [
          ['Fichier CSV', 'chaises.csv'],
          ['Mode', 'Créer seulement'],
        ],
        steps: ['Valider les lignes', 'Écrire les produits'],
      });
      assert.equal(job.progress.message, 'Lignes importées : 1 sur 3');
      assert.deepEqual(await messages('bob', job.id, 'warning'), ["Le prix n'est pas un nombre", 'Le SKU manque']);
    });

    it('keeps an English import English, its options following the language each reader asks for', async () => {
      const job = await run('alice', 'product-import', { file: badRowsCsv, fileName: 'chairs.csv' });
      assert.equal(job.status, 'succeeded');
      assert.deepEqual(await report('alice', job.id), {
        options: [
          ['CSV file', 'chairs.csv'],
          ['Mode', 'Create and update'],
        ],
        steps: ['Validate rows', 'Write products'],
      });
      assert.equal(job.progress.message, 'Imported 1 of 3 rows');
      assert.deepEqual(await messages('alice', job.id, 'warning'), ['Price is not a number', 'SKU is missing']);
      // The steps were written once, in Alice's language; the options are labelled anew for each response.
      assert.deepEqual(await report('alice', job.id, french), {
        options: [
          ['Fichier CSV', 'chairs.csv'],
          ['Mode', 'Créer et mettre à jour'],
        ],
        steps: ['Validate rows', 'Write products'],
      });
    });

    it('fails a French import with the same error code and a French message', async () => {
      const job = await run('bob', 'product-import', { file: 'sku,name,price\n,x,1\n' });
      assert.deepEqual([job.status, job.errorCode], ['failed', 'no_valid_rows']);
      assert.deepEqual(await messages('bob', job.id, 'error'), ["Aucune ligne du fichier n'a pu être importée."]);
    });

    it('labels a French optimisation, shared params included, and reports its cost with a decimal comma', async () => {
      const job = await run('bob', 'schedule-optimisation', { periodId: '2026-02', durationSeconds: 1 });
      assert.equal(job.status, 'succeeded');
      assert.deepEqual(await report('bob', job.id, french), {
        options: [
          ['Période de planification', '2026-02'],
          ['Employés', '40'],
          ['Temps alloué (secondes)', '1'],
        ],
        steps: ['Optimiser le planning', 'Enregistrer le planning'],
      });
      assert.match(job.progress.message, /^Terminé : coût \d+,\d$/);
    });

    it('warns a French mass edit that matched nothing in French', async () => {
      const job = await run('bob', 'product-mass-edit', { category: 'nowhere', priceChangePercent: 5 });
      assert.equal(job.status, 'succeeded');
      assert.deepEqual((await report('bob', job.id, french)).steps, [
        'Sélectionner les produits',
        'Mettre à jour les prix',
      ]);
      assert.deepEqual(await messages('bob', job.id, 'warning'), ['Aucun produit ne correspond']);
      assert.equal(job.progress.message, 'Produits mis à jour : 0');
    });

    it('gives the launch forms of GET /job-types their titles in the language asked for', async () => {
      const importType = (body: { items: { type: string; paramsSchema: JsonObject }[] }) =>
        body.items.find((t) => t.type === 'product-import')!.paramsSchema;
      const { body: inFrench } = await world.call('bob', 'GET', '/job-types', { headers: french });
      const { properties } = importType(inFrench) as { properties: Record<string, JsonObject> };
      assert.equal(properties.file!.title, 'Fichier CSV');
      assert.deepEqual(properties.mode!.oneOf, [
        { const: 'upsert', title: 'Créer et mettre à jour' },
        { const: 'create', title: 'Créer seulement' },
      ]);
      const { body: inEnglish } = await world.call('alice', 'GET', '/job-types');
      const definition = demoJobTypes(world.db).find((t) => t.type === 'product-import')!;
      assert.deepEqual(importType(inEnglish), definition.paramsSchema);
    });

    it('finds jobs by the French title of a chosen option', async () => {
      const createOnly = await run('bob', 'product-import', { file: badRowsCsv, mode: 'create' });
      const upsert = await run('bob', 'product-import', { file: badRowsCsv, mode: 'upsert' });
      const { body } = await world.call('bob', 'GET', `/jobs?limit=200&q=${encodeURIComponent('créer seulement')}`);
      const found = body.items.map((j: { id: string }) => j.id);
      assert.ok(found.includes(createOnly.id), 'the create-only import is not found');
      assert.ok(!found.includes(upsert.id), 'the import that creates and updates is found');
    });
  });
}
