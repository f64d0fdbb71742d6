# The omc workspace: Debian 12 with omc built, and /workdir/workspace for your models.
#
#   docker build -t omc .
#   docker run --rm -it -v "$PWD/workspace:/workdir/workspace" omc
#
# The image runs the commands CI proves (.ci/run): tools/setup.sh, then Bazel; it builds
# (`bazel build //...`) rather than tests, since `bazel test //...` in CI already builds all of
# it. The README's "Docker workspace" section says how to use it.
FROM debian:12

ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /omc
COPY . /omc

# Pinned Debian packages (LLVM/MLIR 22, Bazel 4.2.3, ...) and onnxruntime-node into .deps/.
RUN tools/setup.sh
RUN bazel build //...

# The tools and the Python module, without bazel-bin/ in every command.
ENV PATH=/omc/bazel-bin/tools:$PATH \
    PYTHONPATH=/omc/bazel-bin/runtime/python
WORKDIR /workdir/workspace
CMD ["/bin/bash"]
