import communityNodes from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

// The community-node rules n8n applies to packages it verifies, minus the ones that forbid runtime
// dependencies (this package needs handlebars at run time) and the n8n-cloud-only restrictions.
const communityRules = {
	...communityNodes.configs.recommendedWithoutN8nCloudSupport.rules,
	'@n8n/community-nodes/no-runtime-dependencies': 'off',
};

// Older rules of eslint-plugin-n8n-nodes-base that contradict the newer community-node rules above:
// those want NodeConnectionTypes.Main (not 'main') and full documentation URLs (not docs slugs).
const superseded = {
	'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
	'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
	'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
};

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
	{
		files: ['**/*.ts'],
		extends: [tseslint.configs.recommended],
		languageOptions: { parser: tseslint.parser, parserOptions: { sourceType: 'module' } },
		rules: {
			'no-console': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
		},
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: { 'n8n-nodes-base': n8nNodesBase, '@n8n/community-nodes': communityNodes },
		rules: { ...n8nNodesBase.configs.community.rules, ...communityRules },
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase, '@n8n/community-nodes': communityNodes },
		rules: { ...n8nNodesBase.configs.credentials.rules, ...communityRules, ...superseded },
	},
	{
		files: ['nodes/**/*.ts', 'lib/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase, '@n8n/community-nodes': communityNodes },
		rules: { ...n8nNodesBase.configs.nodes.rules, ...communityRules, ...superseded },
	},
	{
		// Tests and benchmarks drive real servers and print results: child processes and output are their job.
		files: ['test/**/*.ts', 'bench/**/*.ts'],
		rules: { 'no-console': 'off' },
	},
);
