import { apisixProfile } from './apisix';

/** APISIX 3.11 – 3.15 (source: apache/apisix tag 3.11.0; 3.14 added the LLM labels, see 3.16). */
export const APISIX_3_11 = apisixProfile({ version: '3.11', release: '3.11.0', llmLabels: false, spanStatus: 'body-filter', stableSemconv: false });
