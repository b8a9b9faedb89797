import { apisixProfile } from './apisix';

/** APISIX 3.16+ (source: apache/apisix tag 3.16.0): LLM labels on traffic series, status and stable HTTP keys on spans. */
export const APISIX_3_16 = apisixProfile({ version: '3.16', release: '3.16.0', llmLabels: true, spanStatus: 'log-phase', stableSemconv: true });
