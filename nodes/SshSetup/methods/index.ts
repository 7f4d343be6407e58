export { sshSetupConnectionTest } from './credentialTest';
