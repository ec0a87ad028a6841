import { TypeBoxValidatorCompiler, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  BatchResultSchema,
  CameraInventorySchema,
  CameraListQuerySchema,
  CameraPageSchema,
  CodeParamsSchema,
  ErrorCode,
  MaintenanceBodySchema,
  MaintenanceResultSchema,
  StatusBatchSchema,
  UpsertResultSchema,
  cameraStateOf,
  descendantsOf,
  type CameraView,
} from '@zhihui/shared';
import { parseCameraCsv } from '../domain/csv.js';
import { notFound } from '../domain/errors.js';
import { assertReaches, rootOf } from '../domain/reach.js';
import { errorResponses } from '../plugins/errors.js';
import type { CameraRecord } from '../store/types.js';
import type { RouteApp } from './routeApp.js';

/** A stored channel as the API shows it, counted as of `now`. */
export function cameraView(c: CameraRecord, now: number): CameraView {
  return { ...c, state: cameraStateOf(c, now) };
}

const isCsv = (contentType: string | undefined): boolean => /^(text|application)\/csv\b/i.test(contentType ?? '');

/** Camera inventory (JSON or CSV), status batches, maintenance windows, and a region's channel list. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  // JSON APIs: a text/plain body is a client mistake to answer with 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  // CSV becomes the JSON body's shape here, so one schema, one handler and one ingest path serve both.
  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, { cameras: parseCameraCsv(body as string) });
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  inventoryRoutes(app);
  statusRoutes(app);
  regionCameraRoutes(app);
};

/** Writes to the inventory: channels (JSON or CSV) and their maintenance windows. */
function inventoryRoutes(app: RouteApp): void {
  app.put(
    '/cameras',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['cameras'],
        summary: 'Upsert the camera inventory (JSON, or text/csv with a header id,name,region,lon,lat[,inService])',
        description:
          'Rows are checked one by one: valid rows are stored, the others are listed in `rejected` with the field at fault. New channels start `unknown`.',
        security: [{ bearer: [] }],
        consumes: ['application/json', 'text/csv'],
        body: CameraInventorySchema,
        response: { 200: UpsertResultSchema, ...errorResponses(400, 401, 413, 415) },
      },
    },
    async (request) =>
      app.ingest.upsertCameras(request.body.cameras, request.actor, {
        source: isCsv(request.headers['content-type']) ? 'csv' : 'json',
        within: rootOf(request),
      }),
  );

  app.put(
    '/cameras/maintenance',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['cameras'],
        summary: 'Set (or clear with null) a planned maintenance window for channels',
        description:
          'Channels in planned maintenance are not counted against the operational rate while the window lasts.',
        security: [{ bearer: [] }],
        body: MaintenanceBodySchema,
        response: { 200: MaintenanceResultSchema, ...errorResponses(400, 401, 413, 415) },
      },
    },
    async (request) => app.ingest.setMaintenance(request.body.ids, request.body.window, request.actor, rootOf(request)),
  );
}

/** Status reports from sources that push them over HTTP. */
function statusRoutes(app: RouteApp): void {
  app.post(
    '/cameras/status',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['cameras'],
        summary: 'Report channel status (a batch of up to 5000)',
        description:
          'Each report is checked on its own; valid ones are stored in one transaction even when others are rejected. `at` defaults to now; more than 5 minutes in the future is rejected. A repeated identical report is a heartbeat.',
        security: [{ bearer: [] }],
        body: StatusBatchSchema,
        response: { 200: BatchResultSchema, ...errorResponses(400, 401, 413, 415) },
      },
    },
    async (request) => app.ingest.statusBatch(request.body.reports, request.actor, rootOf(request)),
  );
}

/** A region's channel list, within the caller's reach. */
function regionCameraRoutes(app: RouteApp): void {
  app.get(
    '/regions/:code/cameras',
    {
      schema: {
        tags: ['cameras'],
        summary: "A region's channels (its whole subtree), by id, paginated",
        params: CodeParamsSchema,
        querystring: CameraListQuerySchema,
        response: { 200: CameraPageSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => {
      const { code } = request.params;
      if (!app.regions.byCode.has(code)) throw notFound('region', code, ErrorCode.unknownRegion);
      assertReaches(app.regions, rootOf(request), code);
      const regions = descendantsOf(app.regions, code).map((r) => r.code);
      const page = await app.store.listCameras({
        regions,
        status: request.query.status,
        cursor: request.query.cursor,
        limit: request.query.limit ?? 200,
      });
      const now = Date.now();
      return { items: page.items.map((c) => cameraView(c, now)), nextCursor: page.nextCursor };
    },
  );
}

export default routes;
