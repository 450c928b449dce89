from nabla.tour import main

main()
