import type { FastifyPluginAsync } from 'fastify';

// Placeholder: replaced by the dispatch-meeting routes (ranking, report, CSV, PDF).
const routes: FastifyPluginAsync = async () => {};
export default routes;
