/** An HTTP answer as the endpoints build it before Fastify writes it (status, headers, body text). */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}
