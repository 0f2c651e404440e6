// SPDX-License-Identifier: GPL-2.0
/*
 * chrdev_app: write TEXT to the chrdev device, open it again, read it
 * back and print both; exit 0 when what came back is what was written.
 *
 *   chrdev_app [DEVICE [TEXT]]    (/dev/chrdev, "hello from user space")
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/chrdev";
	const char *text = argc > 2 ? argv[2] : "hello from user space";
	size_t len = strlen(text);
	char buf[257];
	ssize_t n;
	int fd;

	fd = open(dev, O_WRONLY);
	if (fd < 0) {
		perror(dev);
		return 1;
	}
	n = write(fd, text, len);
	if (n != (ssize_t)len) {
		fprintf(stderr, "%s: wrote %zd of %zu bytes\n", dev, n, len);
		return 1;
	}
	close(fd);

	fd = open(dev, O_RDONLY);
	if (fd < 0) {
		perror(dev);
		return 1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		perror(dev);
		return 1;
	}
	close(fd);
	buf[n] = '\0';
	printf("wrote: %s\nread: %s\n", text, buf);
	return strcmp(text, buf) ? 1 : 0;
}
