const { src, dest, series } = require('gulp');
const fs = require('node:fs');

function clean(done) {
	fs.rmSync('dist', { recursive: true, force: true });
	done();
}

function copyIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

function copyCodex() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest('dist'));
}

// Templates are read at run time by the nodes, so they ship inside dist/.
function copyTemplates() {
	return src('templates/**/*', { base: '.' }).pipe(dest('dist'));
}

exports.clean = clean;
exports.build = series(copyIcons, copyCodex, copyTemplates);
exports.default = exports.build;
