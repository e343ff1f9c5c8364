// Loads the real-shaped credential specs in test/fixtures/credspecs.
import { readFileSync } from 'node:fs';

// microsoft-contoso: Microsoft's gMSA troubleshooting doc; aws-*-domainless: the ECS developer guide;
// aws-windows-domainless-contoso: the guide's single-label domainless Windows sample (windows-gmsa.html);
// credentials-fetcher-contoso: aws/credentials-fetcher api/tests/gmsa_test_client.cpp (commit aa1ec01).
export type FixtureName =
  | 'microsoft-contoso'
  | 'aws-windows-domainless'
  | 'aws-linux-domainless'
  | 'aws-windows-domainless-contoso'
  | 'credentials-fetcher-contoso';

export const fixtureText = (name: FixtureName): string =>
  readFileSync(new URL(`../fixtures/credspecs/${name}.json`, import.meta.url), 'utf8');

/** A fresh parsed copy, free to break. */
// biome-ignore lint/suspicious/noExplicitAny: tests reach into the spec by path to break it one way
export const fixtureDoc = (name: FixtureName): any => JSON.parse(fixtureText(name));

export const fixturePath = (name: FixtureName): string =>
  new URL(`../fixtures/credspecs/${name}.json`, import.meta.url).pathname;
