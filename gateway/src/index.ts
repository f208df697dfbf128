import { createGateway } from './app.ts';

/** The Worker entry: one app per isolate, compiled config shared across requests. */
export default createGateway();
