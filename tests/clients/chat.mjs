// The official OpenAI Node client against the gateway: one plain and one streamed chat completion.
// usage: node chat.mjs BASE_URL MODEL QUESTION  -> prints two JSON lines {kind, model, text, finish, chunks}
import OpenAI from "openai";

const [baseURL, model, question] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: "not-needed", maxRetries: 0, timeout: 60_000 });
const messages = [
  { role: "system", content: "You are a helpful assistant. Answer in one short sentence." },
  { role: "user", content: question },
];

const plain = await client.chat.completions.create({ model, messages, max_tokens: 40, temperature: 0 });
console.log(JSON.stringify({ kind: "plain", model: plain.model, text: plain.choices[0].message.content,
  finish: plain.choices[0].finish_reason, usage: plain.usage }));

const stream = await client.chat.completions.create({ model, messages, max_tokens: 40, temperature: 0, stream: true });
let text = "", chunks = 0, finish = null, streamedModel = null;
for await (const chunk of stream) {
  chunks++;
  streamedModel = chunk.model;
  text += chunk.choices[0]?.delta?.content ?? "";
  finish = chunk.choices[0]?.finish_reason ?? finish;
}
console.log(JSON.stringify({ kind: "stream", model: streamedModel, text, finish, chunks }));
