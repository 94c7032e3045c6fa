/** placeholder replaced below */
export const command = { summary: 'demo', async run(): Promise<number> { return 0; } };
