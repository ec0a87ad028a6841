// The one form in which the store writes times (the shared formatter); everything above it uses
// it through domain/time.ts.
export { isoAt } from '@zhihui/shared';
