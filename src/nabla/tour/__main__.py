import sys

from nabla.tour import main

sys.exit(main(sys.argv[1:]))
