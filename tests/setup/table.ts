import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createUsersTable } from '../support/table';

// Runs before each test file is imported: points lib/config at DynamoDB Local and at a table of
// the file's own, so files never see each other's users.
const endpoint = inject('dynamodbEndpoint');
process.env.DYNAMODB_ENDPOINT = endpoint;
process.env.USERS_TABLE = `users-${randomUUID()}`;
await createUsersTable(endpoint, process.env.USERS_TABLE);
