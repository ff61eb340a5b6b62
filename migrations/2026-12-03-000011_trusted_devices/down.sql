DROP TABLE trusted_devices;
