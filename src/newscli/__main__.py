from newscli.cli import main

# Guarded: worker processes of a parallel import import this module again.
if __name__ == "__main__":
    main()
