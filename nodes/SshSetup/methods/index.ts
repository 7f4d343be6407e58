export { sshSetupConnectionTest } from './credentialTest';
export { resticRepositoryTest } from './resticRepositoryTest';
