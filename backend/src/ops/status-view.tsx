import { Layout } from '../pages/layout.tsx';
import { OPS_CSS, StatusStrip } from './dashboard-views.tsx';
import type { OpsStatus } from './status.ts';

/** The internal status page: the launch-gate lights and their checks, nothing else. */
export function StatusPage(props: { status: OpsStatus }) {
  return (
    <Layout title="Status" head={
        <>
          <meta name="robots" content="noindex" />
          <style>{OPS_CSS}</style>
        </>
      }>
      <h1>Gatehouse status</h1>
      <StatusStrip status={props.status} />
    </Layout>
  );
}
