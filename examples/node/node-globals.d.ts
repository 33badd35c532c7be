// The two Node globals the example uses, so that the check needs no @types/node.
declare const process: { env: Record<string, string | undefined> };
